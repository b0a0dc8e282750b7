"""The hold model on SimPy, for comparison with outage-sim's engine (see ../README.md).

100 processes, each of which waits an Exp(1) delay, counts one event and waits again; the run
stops after 1 000 000 events in all. Only ``env.run`` is timed (not interpreter start, imports or
process creation). Prints one machine-readable line:
``peer=simpy events=<n> seconds=<s> events_per_sec=<r> simulated_secs=<t> cpu_seconds=<c>``,
where ``seconds`` is wall time and ``cpu_seconds`` the CPU time of the thread running the loop.

Run: ``benches/peers/.venv/bin/python benches/peers/simpy/hold.py`` (``run.sh`` makes the venv).
"""

import random
import time

import simpy

PROCESSES = 100
EVENTS = 1_000_000
SEED = 0x5EED401D


def process(env, run):
    """One process: wake up after an Exp(1) delay, forever, until the run has all its events."""
    while True:
        yield env.timeout(random.expovariate(1.0))
        run["events"] += 1
        if run["events"] == EVENTS:
            run["done"].succeed()
            return


def main():
    random.seed(SEED)
    env = simpy.Environment()
    run = {"events": 0, "done": env.event()}
    for _ in range(PROCESSES):
        env.process(process(env, run))

    start, cpu_start = time.perf_counter(), time.thread_time()
    env.run(until=run["done"])
    seconds = time.perf_counter() - start
    cpu_seconds = time.thread_time() - cpu_start

    events = run["events"]
    assert events == EVENTS, f"events processed: {events}, expected {EVENTS}"
    # 100 processes at rate 1 make 100 events per simulated second: ~10 000 s, a check that the
    # delays are what they should be.
    print(
        f"peer=simpy events={events} seconds={seconds:.6f} "
        f"events_per_sec={events / seconds:.0f} simulated_secs={env.now:.1f} "
        f"cpu_seconds={cpu_seconds:.6f}"
    )


if __name__ == "__main__":
    main()
