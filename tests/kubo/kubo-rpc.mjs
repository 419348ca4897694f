// A stand-in for the one call of Kubo's RPC API that `ww push --ipfs-url`
// makes, for crates/runtime/tests/it/store.rs: Kubo itself cannot be
// installed where the tests run (its npm package downloads a binary at
// install time). It answers as Kubo documents the call, and checks the upload
// with the reference decoders (@ipld/car, @ipld/dag-pb) rather than ours:
//
//   POST /api/v0/dag/import?pin-roots=true, multipart field "file" a CARv1
//   -> 200, one line per root: {"Root":{"Cid":{"/":CID},"PinErrorMsg":""}}
//      (PinErrorMsg says why a root's DAG could not be pinned: a block of it
//      is missing from the upload)
//   -> 500 {"Message":WHY,"Code":0,"Type":"error"} for an upload that is not
//      a CAR, or a block whose bytes do not hash to its CID
//
// Anything else is 404, as Kubo answers an unknown path, or 405 for a GET,
// as Kubo refuses one. It listens on 127.0.0.1 on a free port and prints
// `listening PORT`, then `pinned CID BLOCKS` for each root it pins.
//
// Usage: node target/kubo-rpc/kubo-rpc.mjs. ./scripts/test installs the
// packages of tests/kubo/package.json into target/kubo-rpc; the test copies
// this file beside them, where Node resolves their bare ES module names (it
// resolves them only from the importing file's own directory).
import { createServer } from 'node:http'
import { CarReader } from '@ipld/car'
import * as dagPb from '@ipld/dag-pb'
import { equals } from 'multiformats/bytes'
import { sha256 } from 'multiformats/hashes/sha2'

const blocks = new Map()

function json (res, status, value) {
  res.writeHead(status, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify(value) + '\n')
}

// Why the DAG of `root` cannot be pinned, or '' if every block is here.
function missing (root) {
  const todo = [root]
  while (todo.length > 0) {
    const cid = todo.pop()
    const bytes = blocks.get(cid.toString())
    if (bytes === undefined) {
      return `block was not found locally (offline): ipld: could not find ${cid}`
    }
    if (cid.code === dagPb.code) {
      todo.push(...dagPb.decode(bytes).Links.map((l) => l.Hash))
    }
  }
  return ''
}

async function dagImport (req, res, url) {
  const chunks = []
  for await (const chunk of req) chunks.push(chunk)
  const form = await new Request('http://kubo/', {
    method: 'POST',
    headers: req.headers,
    body: Buffer.concat(chunks)
  }).formData()
  const file = form.get('file')
  if (file === null) {
    return json(res, 500, { Message: 'file argument \'path\' is required', Code: 1, Type: 'error' })
  }
  let reader
  try {
    reader = await CarReader.fromBytes(new Uint8Array(await file.arrayBuffer()))
  } catch (e) {
    return json(res, 500, { Message: `not a CAR: ${e.message}`, Code: 0, Type: 'error' })
  }
  let count = 0
  for await (const { cid, bytes } of reader.blocks()) {
    const digest = await sha256.digest(bytes)
    if (cid.multihash.code !== sha256.code || !equals(digest.bytes, cid.multihash.bytes)) {
      return json(res, 500, { Message: `block ${cid} does not match its hash`, Code: 0, Type: 'error' })
    }
    blocks.set(cid.toString(), bytes)
    count += 1
  }
  const lines = []
  for (const root of await reader.getRoots()) {
    const why = url.searchParams.get('pin-roots') === 'false' ? '' : missing(root)
    if (why === '') console.log(`pinned ${root} ${count}`)
    lines.push(JSON.stringify({ Root: { Cid: { '/': root.toString() }, PinErrorMsg: why } }))
  }
  res.writeHead(200, { 'Content-Type': 'application/json' })
  res.end(lines.join('\n') + '\n')
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://kubo/')
  if (url.pathname !== '/api/v0/dag/import') {
    res.writeHead(404, { 'Content-Type': 'text/plain' })
    return res.end('404 page not found\n')
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { 'Content-Type': 'text/plain' })
    return res.end('405 - Method Not Allowed\n')
  }
  dagImport(req, res, url).catch((e) => json(res, 500, { Message: e.message, Code: 0, Type: 'error' }))
})
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`))
// The test ends the process by closing its standard input.
process.stdin.on('end', () => process.exit(0))
process.stdin.resume()
