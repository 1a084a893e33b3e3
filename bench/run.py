"""Run the benchmarks: `python bench/run.py` runs all, `python bench/run.py report` one.

Each benchmark is a module `bench/<name>_bench.py`, or one named in NAMED, with a `run()`
function. They print timings and query counts over generated data; they are not tests and
assert nothing. See bench/README.md.
"""

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


# Benchmarks whose file name says what they do rather than ending in _bench.py.
NAMED = {"load": "load_pages.py", "export": "export_memory.py"}


def available() -> dict[str, Path]:
    benches = {
        path.name.removesuffix("_bench.py"): path for path in sorted(HERE.glob("*_bench.py"))
    }
    benches.update({name: HERE / file for name, file in NAMED.items() if (HERE / file).exists()})
    return benches


def main(argv: list[str]) -> int:
    benches = available()
    chosen = argv or list(benches)
    unknown = [name for name in chosen if name not in benches]
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Available: {', '.join(benches)}")
        return 2
    for name in chosen:
        print(f"== {name} ==")
        spec = importlib.util.spec_from_file_location(f"bench_{name}", benches[name])
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
