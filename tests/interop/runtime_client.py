"""A Cap'n Proto client on the reference C++ implementation (pycapnp).

Connects to 127.0.0.1:PORT, takes the bootstrap capability as a `Runtime`
of ../../schema/runtime.capnp, loads the cell at WASM (pipelining on the
executor), asks its CID, and tries `Executor.spawn`. Prints one line a
step, as JSON, for crates/runtime/tests/interop.rs to check.
"""

import asyncio
import json
import sys

import capnp


async def main(port: int, schema_dir: str, wasm_path: str) -> None:
    runtime_capnp = capnp.load(f"{schema_dir}/runtime.capnp", imports=[schema_dir])
    stream = await capnp.AsyncIoStream.create_connection(host="127.0.0.1", port=port)
    client = capnp.TwoPartyClient(stream)
    runtime = client.bootstrap().cast_as(runtime_capnp.Runtime)
    with open(wasm_path, "rb") as f:
        wasm = f.read()
    # Pipelined: `cid` is sent on the executor before `load` has returned.
    executor = runtime.load(wasm=wasm).executor
    cid = (await executor.cid()).cid
    print(json.dumps({"step": "cid", "cid": cid}), flush=True)
    try:
        await executor.spawn(mode="raw")
        print(json.dumps({"step": "spawn", "ok": True}), flush=True)
    except capnp.KjException as e:
        print(json.dumps({"step": "spawn", "ok": False, "error": e.description}), flush=True)


if __name__ == "__main__":
    port, schema_dir, wasm_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    asyncio.run(capnp.run(main(port, schema_dir, wasm_path)))
