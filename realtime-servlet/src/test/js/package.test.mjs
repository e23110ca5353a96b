// The npm package: its version follows the library's, it exports what the
// declarations declare, and it ships every module realtime.js imports.
// Run: node --test realtime-servlet/src/test/js/
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as api from '../../main/js/realtime.js';

const dir = new URL('../../main/js/', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8'));

test('package.json, VERSION and the Maven project carry one version', () => {
  assert.equal(api.VERSION, pkg.version);
  const maven = process.env.REALTIME_VERSION;
  if (maven) assert.equal(pkg.version, maven, 'the npm package follows the library version (pom.xml)');
});

test('the package is ESM without dependencies, typed, and ships every module', () => {
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.exports['.'].import, './realtime.js');
  assert.equal(pkg.exports['.'].types, './realtime.d.ts');
  assert.equal(pkg.dependencies, undefined);
  assert.equal(pkg.devDependencies, undefined);
  const modules = readdirSync(dir).filter((f) => f.endsWith('.js'));
  for (const f of modules) {
    assert.match(f, /^realtime(-[a-z]+)?\.js$/, `${f}: the jar serves only realtime*.js`);
    const code = readFileSync(new URL(f, dir), 'utf8').replace(/^\s*\/\/.*$/gm, '');
    for (const [, imported] of code.matchAll(/from '\.\/([^']+)'/g)) {
      assert.ok(modules.includes(imported), `${f} imports ${imported}, which is not in the package`);
    }
  }
});

test('every value the declarations export is exported', () => {
  const dts = readFileSync(new URL('realtime.d.ts', dir), 'utf8');
  const declared = [...dts.matchAll(/^export (?:const|function|class) (\w+)/gm)].map((m) => m[1]);
  assert.ok(declared.length > 10);
  for (const name of declared) assert.ok(name in api, `realtime.d.ts declares ${name}, realtime.js does not export it`);
  assert.equal(api.default, api.connect);
});
