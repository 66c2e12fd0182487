/** Test helper: runs a command-line entry point's TypeScript source in a child Node process. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as path from 'node:path';

/**
 * Runs `main(args)` of the TypeScript module `file` (compiled on the fly with swc) in a child process from
 * the project root; its exit code is what `main` returns (or resolves to).
 */
export function runTsCli(
  file: string,
  args: string[],
  options: { stdin?: string; env?: NodeJS.ProcessEnv } = {},
): SpawnSyncReturns<string> {
  const script = `
    const swc = require('@swc/core');
    const fs = require('node:fs');
    require.extensions['.ts'] = (module, filename) => {
      const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
        filename, swcrc: false, module: { type: 'commonjs' },
        jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true }, target: 'es2022' },
      });
      module._compile(code, filename);
    };
    Promise.resolve(require(${JSON.stringify(file)}).main(${JSON.stringify(args)})).then((code) => { process.exitCode = code; });
  `;
  return spawnSync(process.execPath, ['-e', script], {
    input: options.stdin,
    encoding: 'utf8',
    cwd: path.join(__dirname, '..', '..'),
    env: { ...process.env, ...options.env },
  });
}
