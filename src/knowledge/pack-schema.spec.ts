import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { defaultPackDir } from './pack-loader';
import { PACK_FILE_SCHEMAS, type PackFileKind } from './pack-schema';
import { packJsonSchemas, schemaComment, schemaDir } from './pack-schema-json';

const KINDS = Object.keys(PACK_FILE_SCHEMAS) as PackFileKind[];

describe('pack file schemas', () => {
  it('are committed as generated: run npm run pack:schema after changing pack-schema.ts or a plugin', () => {
    const generated = packJsonSchemas();
    const committed = Object.fromEntries(
      fs
        .readdirSync(schemaDir())
        .filter((name) => name.endsWith('.json'))
        .map((name) => [name, fs.readFileSync(path.join(schemaDir(), name), 'utf8')]),
    );
    expect(committed).toEqual(generated);
  });

  it('name, per plugin, the parameters it takes', () => {
    const pack = JSON.parse(packJsonSchemas()['pack.schema.json']);
    const uses = pack.properties.plugins.items.anyOf;
    const apple = uses.find((u: { properties: { name: { const: string } } }) => u.properties.name.const === 'apple-devices');
    expect(apple.required).toEqual(['name', 'params']);
    expect(apple.properties.params).toMatchObject({ required: ['latestIosMajor'], additionalProperties: false });
    expect(apple.properties.params.properties.latestIosMajor.description).toBe('an integer from 1 to 99');
  });

  it.each(KINDS)("the bundled pack's %s.yaml points editors at its schema and matches it", (kind) => {
    const text = fs.readFileSync(path.join(defaultPackDir(), `${kind}.yaml`), 'utf8');
    expect(text.split('\n')[0]).toBe(schemaComment(kind));
    expect(fs.existsSync(path.join(defaultPackDir(), schemaComment(kind).split('$schema=')[1]))).toBe(true);
    const parsed = PACK_FILE_SCHEMAS[kind].safeParse(parse(text));
    expect(parsed.error?.issues ?? []).toEqual([]);
  });
});
