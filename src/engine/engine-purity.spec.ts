/** The engine is a pure library: no Nest, database, queue, file or network imports. */
import * as fs from 'node:fs';
import * as path from 'node:path';

const FORBIDDEN = [
  /^@nestjs\//,
  /^typeorm/,
  /^bullmq/,
  /^ioredis/,
  /^pg$/,
  /^pg-/,
  /^(node:)?fs(\/|$)/,
  /^(node:)?https?$/,
  /^(node:)?net$/,
  /^(node:)?child_process$/,
];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testing' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

export function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const patterns = [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s+['"]([^'"]+)['"]/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) specifiers.push(m[1]);
  return specifiers;
}

describe('engine purity', () => {
  const files = sourceFiles(__dirname);

  it('finds the engine sources', () => {
    expect(files.some((f) => f.endsWith('triage-engine.ts'))).toBe(true);
  });

  it.each(files.map((f) => [path.relative(__dirname, f), f]))(
    '%s imports nothing from Nest, TypeORM, BullMQ, Redis, pg, fs or http',
    (_name, file) => {
      const offending = importsOf(fs.readFileSync(file, 'utf8')).filter((spec) => FORBIDDEN.some((re) => re.test(spec)));
      expect(offending).toEqual([]);
    },
  );

  it('stays inside src/engine (relative imports do not climb out)', () => {
    for (const file of files) {
      for (const spec of importsOf(fs.readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), spec);
        expect(target.startsWith(__dirname)).toBe(true);
      }
    }
  });

  it('imports nothing from the product plugins (src/products): packs bring them in through the loader', () => {
    const products = path.resolve(__dirname, '..', 'products');
    for (const file of files) {
      const offending = importsOf(fs.readFileSync(file, 'utf8')).filter((spec) =>
        spec.startsWith('.') ? path.resolve(path.dirname(file), spec).startsWith(products) : /(^|\/)products(\/|$)/.test(spec),
      );
      expect({ file: path.relative(__dirname, file), offending }).toEqual({ file: path.relative(__dirname, file), offending: [] });
    }
  });

  it('recognizes the import forms it checks', () => {
    expect(importsOf("import { x } from '@nestjs/common';\nconst fs = require('node:fs');\nimport 'pg';")).toEqual([
      '@nestjs/common',
      'pg',
      'node:fs',
    ]);
  });
});
