"""A Cap'n Proto client on the reference C++ implementation (pycapnp).

Connects to 127.0.0.1:PORT, takes the bootstrap capability as a `Host` of
../../schema/host.capnp, asks its `id` and `addrs`, and tries `peers`.
Prints one line a step, as JSON, for crates/runtime/tests/interop.rs to
check.
"""

import asyncio
import json
import sys

import capnp


async def main(port: int, schema_dir: str) -> None:
    host_capnp = capnp.load(f"{schema_dir}/host.capnp", imports=[schema_dir])
    stream = await capnp.AsyncIoStream.create_connection(host="127.0.0.1", port=port)
    client = capnp.TwoPartyClient(stream)
    host = client.bootstrap().cast_as(host_capnp.Host)
    peer_id = (await host.id()).peerId
    print(json.dumps({"step": "id", "peerId": peer_id}), flush=True)
    addrs = list((await host.addrs()).addrs)
    print(json.dumps({"step": "addrs", "addrs": addrs}), flush=True)
    try:
        await host.peers()
        print(json.dumps({"step": "peers", "ok": True}), flush=True)
    except capnp.KjException as e:
        print(json.dumps({"step": "peers", "ok": False, "error": e.description}), flush=True)


if __name__ == "__main__":
    port, schema_dir = int(sys.argv[1]), sys.argv[2]
    asyncio.run(capnp.run(main(port, schema_dir)))
