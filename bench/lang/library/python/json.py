# JSON emit, then parse, of a ~9 MB document (70,000 objects), with the
# json module. Expected 2450035000.
import json

data = [
    {"id": i, "name": f"item-{i}", "tags": ["alpha", "beta", "gamma"],
     "score": i * 0.5, "active": i % 2 == 0, "nested": {"a": i, "b": [i, i + 1]}}
    for i in range(70_000)
]


def run():
    back = json.loads(json.dumps(data))
    return len(back) + sum(m["id"] for m in back)
