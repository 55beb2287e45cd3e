// Bundles npm jssip (CommonJS only) into one browser script, webroot/jssip.js, an IIFE that
// defines the global JsSIP. Run once when upgrading JsSIP (npm install, then npm run bundle-jssip);
// the result is committed, so nobody needs a build step to use the softphone.
'use strict';
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const out = path.resolve(__dirname, '../../../webroot/jssip.js');
const pkg = (name) => require(`${name}/package.json`);
const jssip = pkg('jssip');
const license = fs.readFileSync(require.resolve('jssip/LICENSE.md'), 'utf8').trim();
const bundled = ['debug', 'ms', 'events', 'sdp-transform']
  .map((name) => `${name} ${pkg(name).version} (${pkg(name).license})`).join(', ');

const banner = `/*!
 * JsSIP ${jssip.version} (npm jssip), bundled into one browser script (IIFE, global JsSIP) by esbuild
 * ${esbuild.version} with src/test/browser/bundle-jssip.js. Also bundled, all under the MIT license:
 * ${bundled}.
 *
${license.split('\n').map((l) => (' * ' + l).trimEnd()).join('\n')}
 */`;

esbuild.buildSync({
  entryPoints: [require.resolve('jssip')],
  bundle: true,
  format: 'iife',
  globalName: 'JsSIP',
  platform: 'browser',
  target: 'es2019',
  minify: true,
  legalComments: 'none',
  banner: { js: banner },
  outfile: out,
});
console.log(`wrote ${out} (${fs.statSync(out).size} bytes): JsSIP ${jssip.version}`);
