// Prints the CID that `ipfs add -r --cid-version=1 PATH` (Kubo) prints for
// PATH, a file, a directory or a symbolic link, computed by the reference UnixFS importer with
// Kubo's CIDv1 defaults. A directory's hidden entries are left out, as Kubo
// does without --hidden. It is the oracle for crates/runtime/tests/it/cid.rs.
//
// Usage: node tests/cid/cid.mjs PATH
//
// The packages (tests/cid/package.json) are installed by ./scripts/test into
// target/cid-oracle, or into the directory named by WW_CID_ORACLE. ES module
// imports resolve bare names only from the importing file's own directory (no
// NODE_PATH), so they are resolved from that directory by hand. Resolving an
// ES-only package this way needs Node 20.19 or later ("module-sync").
import { createReadStream, lstatSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const file = process.argv[2]
if (file === undefined || process.argv.length !== 3) {
  console.error('usage: node tests/cid/cid.mjs PATH')
  process.exit(2)
}

const oracle = resolve(process.env.WW_CID_ORACLE ||
  fileURLToPath(new URL('../../target/cid-oracle/', import.meta.url)))
const require = createRequire(join(oracle, 'package.json'))
const load = (name) => import(pathToFileURL(require.resolve(name)).href)
// A package exporting itself to ES imports only (no "module-sync"), which
// require.resolve cannot find: its entry point read from its manifest.
function loadImportOnly (name) {
  const dir = join(oracle, 'node_modules', name)
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  return import(pathToFileURL(join(dir, manifest.exports['.'].import)).href)
}

// A symbolic link: the importer takes none, so its node is built with the
// reference encoders as Kubo builds it: a dag-pb node with no links whose
// UnixFS data is of type symlink and holds the target.
if (lstatSync(file).isSymbolicLink()) {
  const { UnixFS } = await load('ipfs-unixfs')
  const { CID } = await load('multiformats/cid')
  const { sha256 } = await load('multiformats/hashes/sha2')
  const dagPb = await loadImportOnly('@ipld/dag-pb')
  const data = new UnixFS({ type: 'symlink', data: new TextEncoder().encode(readlinkSync(file)) })
  const block = dagPb.encode(dagPb.prepare({ Data: data.marshal(), Links: [] }))
  console.log(CID.createV1(dagPb.code, await sha256.digest(block)).toString())
  process.exit(0)
}

const { MemoryBlockstore } = await load('blockstore-core')
const { importer } = await load('ipfs-unixfs-importer')
const { fixedSize } = await load('ipfs-unixfs-importer/chunker')
const { balanced } = await load('ipfs-unixfs-importer/layout')

// Kubo's defaults for `ipfs add --cid-version=1`.
const options = {
  cidVersion: 1,
  rawLeaves: true,
  chunker: fixedSize({ chunkSize: 262144 }),
  layout: balanced({ maxChildrenPerNode: 174 }),
  reduceSingleLeafToSelf: true
}

// A directory's entries, depth first, each under the directory's own name
// (so the importer's last entry is the directory itself).
function * entries (path, name) {
  if (statSync(path).isDirectory()) {
    yield { path: name }
    for (const child of readdirSync(path).sort()) {
      if (!child.startsWith('.')) {
        yield * entries(join(path, child), `${name}/${child}`)
      }
    }
  } else {
    yield { path: name, content: createReadStream(path) }
  }
}

const source = statSync(file).isDirectory()
  ? [...entries(file, basename(file))]
  : [{ content: createReadStream(file) }]
let root
for await (const entry of importer(source, new MemoryBlockstore(), options)) {
  // A directory's root is the entry of its own name, which comes last.
  root = entry
}
if (root === undefined) {
  console.error(`cid.mjs: the importer produced nothing for ${file}`)
  process.exit(1)
}
console.log(root.cid.toString())
