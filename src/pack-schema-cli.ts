/**
 * Writes the JSON Schemas of the pack files (generated from the zod schemas in src/knowledge/pack-schema.ts)
 * to src/knowledge/schema/, one per file kind, for editors and for `# yaml-language-server: $schema=` lines.
 *
 *   npm run pack:schema
 *
 * A unit test (pack-schema.spec.ts) fails when the committed files differ from what the schemas generate.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packJsonSchemas, schemaDir } from './knowledge/pack-schema-json';

/** Runs the command with `argv` (without the node and script paths); returns the exit code. */
export function main(argv: string[] = process.argv.slice(2)): number {
  if (argv.length > 0) {
    process.stderr.write('usage: npm run pack:schema (takes no arguments)\n');
    return 2;
  }
  const dir = schemaDir();
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(packJsonSchemas())) {
    const file = path.join(dir, name);
    const changed = !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text;
    if (changed) fs.writeFileSync(file, text);
    process.stderr.write(`${changed ? 'wrote' : 'unchanged'} ${path.relative(process.cwd(), file)}\n`);
  }
  return 0;
}

if (require.main === module) process.exitCode = main();
