// A foreign libp2p peer (js-libp2p) for crates/runtime/tests/it/node.rs:
// dials the ww node at argv[2] over TCP with Noise and Yamux, waits for
// identify, pings it, and prints what it learnt as one line of JSON.
// Exits 1, with the reason on stderr, if any step fails.
//
// The packages come from `npm ci` of tests/js-libp2p, run by ./scripts/test
// into target/js-libp2p. ES modules resolve bare names from their own
// directory only, and some of these packages are ES-only, so the test runs
// a copy of this file placed there.
// js-libp2p 3 uses Promise.withResolvers, which Node has from 22 on; this
// machine's Node (Debian's) is 20. Defined before the imports run.
import './with-resolvers.mjs'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { multiaddr } from '@multiformats/multiaddr'

const target = multiaddr(process.argv[2])
const node = await createLibp2p({
  addresses: { listen: [] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: { identify: identify(), ping: ping() }
})
const timeout = setTimeout(() => {
  console.error('no identify from the ww node within 20 s')
  process.exit(1)
}, 20000)
try {
  const identified = new Promise((resolve) => {
    node.addEventListener('peer:identify', (event) => resolve(event.detail))
  })
  await node.dial(target)
  const info = await identified
  const rtt = await node.services.ping.ping(target)
  console.log(JSON.stringify({
    peer: info.peerId.toString(),
    agent: info.agentVersion,
    protocolVersion: info.protocolVersion,
    protocols: info.protocols,
    pingMs: rtt
  }))
} catch (e) {
  console.error(`js-libp2p: ${e.stack ?? e}`)
  process.exitCode = 1
} finally {
  clearTimeout(timeout)
  await node.stop()
}
