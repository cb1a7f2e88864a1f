'use strict'
const { spawnSync } = require('node:child_process')
const path = require('node:path')

const REPO = path.resolve(__dirname, '..', '..', '..')
const EXAMPLES = path.join(REPO, 'examples')

/**
 * The command line's output for `apigw-vtl render ARGS` (the reference for the
 * bindings): $APIGW_VTL_CLI when set, else `cargo run` in the repository.
 */
function cliRender (...args) {
  const exe = process.env.APIGW_VTL_CLI
  const [cmd, argv] = exe
    ? [exe, ['render', ...args]]
    : ['cargo', ['run', '--quiet', '--bin', 'apigw-vtl', '--', 'render', ...args]]
  const done = spawnSync(cmd, argv, { cwd: REPO, maxBuffer: 64 << 20 })
  if (done.error) throw new Error(`${cmd}: ${done.error.message} (set APIGW_VTL_CLI to the apigw-vtl binary)`)
  if (done.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed: ${done.stderr}`)
  return done.stdout
}

module.exports = { REPO, EXAMPLES, cliRender }
