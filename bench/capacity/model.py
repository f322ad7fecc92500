#!/usr/bin/env python3
"""Capacity model: from the measured benchmark figures (bench/results/*.md) to the nodes that carry
1M votes/s and 10M result reads/s with headroom. Writes docs/capacity-model.generated.md.

Usage: python3 bench/capacity/model.py [--bench-dir DIR] [--out FILE] [--headroom 2] ...  (--help)
Python 3 standard library only. A figure missing from the bench files stops it with one line on
stderr and exit code 2, so the model can't silently drift from measurement.
"""
import argparse
import json
import math
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NUMBER = r"([0-9][0-9,]*(?:\.[0-9]+)?)"


class MissingFigure(Exception):
    pass


def read(bench_dir, name):
    path = os.path.join(bench_dir, name)
    try:
        with open(path, encoding="utf-8") as f:
            return path, f.read()
    except OSError as e:
        raise MissingFigure(f"{path}: cannot read ({e.strerror})")


def number(text):
    return float(text.replace(",", ""))


def table_figure(path, text, row_label, column, pattern, what):
    """The first match of `pattern` in `column` (0-based) of the table row starting with `row_label`."""
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.lstrip().startswith("|") and cells and cells[0].lower().startswith(row_label.lower()):
            if column < len(cells):
                m = re.search(pattern, cells[column])
                if m:
                    return number(m.group(1))
            raise MissingFigure(f'{path}: row "{row_label}" has no {what}')
    raise MissingFigure(f'{path}: no row "{row_label}" ({what})')


def appender_rates(path, text):
    """{appenders at once: leaves/s} from the rows of log-append.md's table (first cell a number)."""
    rates = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.lstrip().startswith("|") and len(cells) > 1 and cells[0].isdigit():
            m = re.search(NUMBER, cells[1])
            if m:
                rates[int(cells[0])] = number(m.group(1))
    if 1 not in rates:
        raise MissingFigure(f'{path}: no row "1" (leaves/s with one appender)')
    return rates


def gate_cluster_costs(path, text):
    """{filter shards: Redis main-thread µs per vote} from voter-gate.md's "cluster, N filter shards" rows."""
    costs = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        m = re.match(r"cluster, ([0-9]+) filter shards$", cells[0]) if line.lstrip().startswith("|") else None
        if m and len(cells) > 2 and re.fullmatch(NUMBER, cells[2]):
            costs[int(m.group(1))] = number(cells[2])
    if not costs:
        raise MissingFigure(f'{path}: no row "cluster, N filter shards" (Redis µs/vote on a cluster)')
    return costs


def text_figure(path, text, pattern, what):
    m = re.search(pattern, text)
    if not m:
        raise MissingFigure(f"{path}: no {what}")
    return m.group(1)


def server_cores(path, text):
    """Cores the measured server had: 'server on CPU 0' is one, 'server on CPUs 0-3' four."""
    spec = text_figure(path, text, r"server on CPUs? ([0-9][0-9,\-]*)", "'server on CPU N' (cores of the measured server)")
    cores = 0
    for part in spec.strip(",").split(","):
        lo, _, hi = part.partition("-")
        cores += int(hi or lo) - int(lo) + 1
    return cores


def measured(bench_dir):
    f = {}
    path, text = read(bench_dir, "ingest.md")
    f["ingest_box_cores"] = number(text_figure(path, text, r"Machine:\s*" + NUMBER + r"\s*cores", "'Machine: N cores'"))
    f["ingest_server_cores"] = server_cores(path, text)
    f["bare_post"] = table_figure(path, text, "bare Kestrel POST", 1, NUMBER + r"\s*req/s", "rate in req/s")
    f["ingest"] = table_figure(path, text, "Voting.Ingest, full load", 1, NUMBER + r"\s*votes/s", "rate in votes/s")

    path, text = read(bench_dir, "processor.md")
    f["processor_box_cores"] = number(text_figure(path, text, r"Machine:\s*" + NUMBER + r"\s*cores", "'Machine: N cores'"))
    f["raw_insert"] = table_figure(path, text, "raw ceiling", 1, NUMBER, "votes/s")
    f["kafka_produce"] = table_figure(path, text, "Kafka producer", 1, NUMBER, "votes/s")
    f["kafka_bench_partitions"] = table_figure(path, text, "Kafka producer", 3, NUMBER + r"\s*partitions", "'N partitions' note")
    f["processor"] = table_figure(path, text, "Voting.Processor draining", 1, NUMBER, "votes/s")

    path, text = read(bench_dir, "log-append.md")
    f["log_box_cores"] = number(text_figure(path, text, r"Machine:\s*" + NUMBER + r"\s*cores", "'Machine: N cores'"))
    f["log_appends"] = appender_rates(path, text)

    path, text = read(bench_dir, "voter-gate.md")
    f["gate_box_cores"] = number(text_figure(path, text, r"Machine:\s*" + NUMBER + r"\s*cores", "'Machine: N cores'"))
    f["gate_one_server_us"] = table_figure(path, text, "one server", 2, NUMBER, "Redis µs/vote")
    f["gate_cluster_us"] = gate_cluster_costs(path, text)
    f["gate_bytes_per_voter"] = number(text_figure(path, text, r"Redis memory per accepted voter:\s*" + NUMBER + r"\s*bytes", "'Redis memory per accepted voter: N bytes'"))
    f["gate_filter_shards"] = number(text_figure(path, text, r"The filter's\s*" + NUMBER + r"\s*bitmaps", "'The filter's N bitmaps'"))
    f["gate_filter_allocated"] = number(text_figure(path, text, r"bitmaps took\s*" + NUMBER + r"\s*bytes", "'bitmaps took N bytes' (the filter's allocation)"))
    f["gate_filter_bits_bytes"] = number(text_figure(path, text, r"bytes for\s*" + NUMBER + r"\s*bytes of bits", "'for N bytes of bits'"))

    path, text = read(bench_dir, "results-api.md")
    f["results_box_cores"] = number(text_figure(path, text, r"Machine:\s*" + NUMBER + r"\s*cores", "'Machine: N cores'"))
    f["results_server_cores"] = server_cores(path, text)
    f["bare_get"] = table_figure(path, text, "bare Kestrel GET", 1, NUMBER + r"\s*req/s", "rate in req/s")
    f["results"] = table_figure(path, text, "Voting.Results GET", 1, NUMBER + r"\s*req/s", "rate in req/s")
    return f


def bloom_shape(expected, fpr, shards):
    """Exactly Voting.Core/Dedup/BloomFilterShape.For: m = -n ln p / (ln 2)^2, k = (m / n) ln 2."""
    total_bits = math.ceil(-expected * math.log(fpr) / (math.log(2) * math.log(2)))
    bits_per_shard = max(64, math.ceil(total_bits / shards))
    hash_count = max(1, round(total_bits / expected * math.log(2)))  # both round half to even
    total_bytes = (bits_per_shard * shards + 7) // 8
    return bits_per_shard, hash_count, total_bytes


def next_power_of_two(n):
    return 1 << max(0, math.ceil(n) - 1).bit_length()


def config_defaults():
    """Bloom filter sizing from deploy/config/voting.json (the production-shaped defaults), with the
    shard count deploy/k8s/config.yaml sets over it (the deployment the model sizes), if present."""
    try:
        with open(os.path.join(ROOT, "deploy", "config", "voting.json"), encoding="utf-8") as f:
            bloom = json.load(f)["Voting"]["BloomFilter"]
        voters, fpr, shards = bloom["ExpectedVoters"], bloom["FalsePositiveRate"], bloom["Shards"]
    except (OSError, KeyError, ValueError):
        voters, fpr, shards = 50_000_000, 0.0001, 64
    try:
        with open(os.path.join(ROOT, "deploy", "k8s", "config.yaml"), encoding="utf-8") as f:
            m = re.search(r'^\s*Voting__BloomFilter__Shards:\s*"?([0-9]+)"?\s*$', f.read(), re.M)
        if m:
            shards = int(m.group(1))
    except OSError:
        pass
    return voters, fpr, shards


def arguments(argv):
    voters, fpr, shards = config_defaults()
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bench-dir", default=os.path.join(ROOT, "bench", "results"), help="folder with ingest.md, processor.md, log-append.md, voter-gate.md, results-api.md")
    p.add_argument("--out", default=os.path.join(ROOT, "docs", "capacity-model.generated.md"), help="markdown table to write")
    p.add_argument("--votes", type=float, default=1_000_000, help="peak votes/s to carry")
    p.add_argument("--reads", type=float, default=10_000_000, help="peak result reads/s to carry")
    p.add_argument("--headroom", type=float, default=2.0, help="capacity / peak load (2 = run at half capacity)")
    p.add_argument("--pod-cores", type=float, default=2, help="CPU per ingest/processor/results pod (deploy/k8s)")
    p.add_argument("--node-cores", type=float, default=16, help="cores of one worker node")
    p.add_argument("--max-server-cores", type=float, default=64, help="largest single database server")
    p.add_argument("--shard-databases", type=int, default=16, help="MySQL shard databases (Voting.Core ShardLayout, fixed)")
    p.add_argument("--replication-factor", type=int, default=3, help="Kafka replication factor")
    p.add_argument("--voters", type=float, default=voters, help="voters the Bloom filter is sized for")
    p.add_argument("--fpr", type=float, default=fpr, help="Bloom filter false-positive rate")
    p.add_argument("--bloom-shards", type=int, default=shards, help="Bloom filter shards (Redis hash tags; default: deploy/k8s)")
    p.add_argument("--batch-size", type=int, default=64_000, help="processor batch (Voting:Processor:BatchSize)")
    p.add_argument("--states", type=int, default=51, help="states + DC")
    p.add_argument("--candidates", type=int, default=3, help="candidates per state")
    p.add_argument("--results-keys", type=int, default=53, help="result cache keys: national, per state, the state list")
    p.add_argument("--local-cache-ms", type=float, default=1000, help="Voting:Results:LocalCacheMilliseconds")
    p.add_argument("--shared-cache-ms", type=float, default=1000, help="Voting:Results:SharedCacheMilliseconds (deploy/k8s: 1000)")
    return p.parse_args(argv)


def model(f, a):
    votes, reads, h = a.votes, a.reads, a.headroom
    r = {}
    # Per-core rates. Ingest and results: the server had CPU 0 alone (the load generator CPU 1), but
    # shared it with part of Kafka/Redis/MariaDB: a floor. Processor: the whole box (processor,
    # MariaDB, Kafka, ClickHouse) drained at this rate, so per core of the box: a floor for each.
    r["ingest_pc"] = f["ingest"] / f["ingest_server_cores"]
    r["results_pc"] = f["results"] / f["results_server_cores"]
    r["processor_pc"] = f["processor"] / f["processor_box_cores"]
    r["raw_pc"] = f["raw_insert"] / f["processor_box_cores"]
    r["kafka_pc"] = f["kafka_produce"] / f["processor_box_cores"]

    def tier(load, per_core):
        cores = load * h / per_core
        return cores, math.ceil(cores / a.pod_cores), math.ceil(cores / a.node_cores)

    r["ingest"] = tier(votes, r["ingest_pc"])
    r["results"] = tier(reads, r["results_pc"])
    r["processor"] = tier(votes, r["processor_pc"])

    # Kafka: one consumer per partition, so partitions ≥ processor pods; and enough partitions that
    # each stays under the measured per-partition produce rate.
    per_partition = f["kafka_produce"] / f["kafka_bench_partitions"]
    r["kafka_per_partition"] = per_partition
    r["partitions"] = next_power_of_two(max(r["processor"][1], votes * h / per_partition))
    r["kafka_cores"] = votes * h * a.replication_factor / r["kafka_pc"]
    r["kafka_brokers"] = max(a.replication_factor, math.ceil(r["kafka_cores"] / a.node_cores))

    # MySQL: the shard rule spreads votes evenly over the fixed shard databases.
    per_shard = votes / a.shard_databases
    r["shard_votes"] = per_shard
    r["shard_cores"] = per_shard * h / r["processor_pc"]
    r["shard_cores_raw"] = per_shard * h / r["raw_pc"]
    r["shards_per_server"] = max(1, math.floor(a.max_server_cores / r["shard_cores"]))
    r["mysql_servers"] = math.ceil(a.shard_databases / r["shards_per_server"])
    # Merkle log: one database per election (voting_slog), every ballot's leaf. Appenders fill the
    # ranges handed to them at the same time (only handing out a range takes the tree head's lock),
    # so the log takes as many cores of its server as appenders use: the best measured rate with
    # appenders at once, per core of the box it saturated.
    best = max(f["log_appends"], key=lambda n: f["log_appends"][n])
    r["log_best"] = (best, f["log_appends"][best])
    r["log_rows_pc"] = f["log_appends"][best] / f["log_box_cores"]
    r["log_cores"] = votes * h / r["log_rows_pc"]

    # Redis: an accepted vote passes VoterGate.EnterAsync and CommitAsync. A voter's keys share one hash
    # tag (its filter shard), so on a cluster a batch goes as one script per shard its voters fall in,
    # and the Redis CPU a vote costs grows with the shard count (fewer voters share a script's fixed
    # cost): the measured cost at the configured count (else the next larger measured, else the
    # largest) sizes both the primaries and the load of one tag on its single thread.
    bits_per_shard, k, bloom_bytes = bloom_shape(a.voters, a.fpr, a.bloom_shards)
    r["bloom"] = (bits_per_shard, k, bloom_bytes)
    r["redis_commands_bitmap"] = (1 + k + 1, 4)  # commit: one BITFIELD sets the k bits, then the marker and the lock
    costs = f["gate_cluster_us"]

    def gate_cost(shards):
        measured_at = min((n for n in costs if n >= shards), default=max(costs))
        return measured_at, costs[measured_at]

    r["redis_cost"] = gate_cost(a.bloom_shards)
    r["redis_cores"] = votes * h * r["redis_cost"][1] / 1e6
    r["redis_primaries"] = math.ceil(r["redis_cores"])
    r["redis_tag_load"] = votes * h / a.bloom_shards * r["redis_cost"][1] / 1e6
    r["redis_tag_loads"] = {n: votes * h / n * us / 1e6 for n, us in sorted(costs.items())}
    r["bloom_shards_needed"] = min((n for n, load in r["redis_tag_loads"].items() if load <= 1), default=None)
    r["redis_results_reads"] = r["results"][1] * a.results_keys / (a.local_cache_ms / 1000)
    r["marker_bytes"] = a.voters * f["gate_bytes_per_voter"]

    # ClickHouse: the shipper sends the running totals a round changed, one insert per table
    # (tally_totals, minute_totals), at most one round per batch. A state lives in one shard, so a
    # batch changes at most each state's candidates and its current minute.
    batches = votes / a.batch_size
    r["ch_inserts"] = 2 * batches
    r["ch_rows"] = batches * (a.states * a.candidates + a.states)
    r["ch_queries"] = a.results_keys / (a.shared_cache_ms / 1000)

    # First bottleneck: of the parts that can't be scaled out by adding pods, the one furthest over
    # its unit's capacity (required cores / cores one unit can use).
    units = [
        ("Merkle log database", r["log_cores"] / a.max_server_cores,
         f"one database per election, on one server: {fmt(r['log_cores'], 1)} cores of inserts vs a {fmt(a.max_server_cores)}-core server "
         f"(measured {fmt(r['log_rows_pc'])} leaves/s per core with {r['log_best'][0]} appenders at once on {fmt(f['log_box_cores'])} cores; "
         f"that inserts keep scaling with cores beyond that is assumed)"),
        ("Redis hash tag of a Bloom shard", r["redis_tag_load"],
         f"{fmt(votes * h / a.bloom_shards)} votes/s per tag ({a.bloom_shards} shards) × {fmt(r['redis_cost'][1], 1)} µs each on one single-threaded primary "
         f"(voter-gate.md, cluster with {r['redis_cost'][0]} filter shards); "
         + (f"{r['bloom_shards_needed']} shards keep a tag under one core" if r["bloom_shards_needed"] else
            f"no measured shard count keeps a tag under one core (largest measured: {max(costs)})")),
        ("MySQL shard database", r["shard_cores"] / a.max_server_cores,
         f"{fmt(r['shard_cores'], 1)} cores per shard database of the {a.shard_databases} (fixed by the shard rule) vs a {fmt(a.max_server_cores)}-core server"),
    ]
    units.sort(key=lambda u: u[1], reverse=True)
    r["units"] = units
    return r


def fmt(x, digits=0):
    return f"{x:,.{digits}f}"


def render(f, r, a):
    h = a.headroom
    rows = [
        ("Ingest per core", f"{fmt(r['ingest_pc'])} votes/s", f"ingest.md: {fmt(f['ingest'])} votes/s on {f['ingest_server_cores']} core(s) (bare POST {fmt(f['bare_post'])} req/s)"),
        ("Processor per core", f"{fmt(r['processor_pc'])} votes/s", f"processor.md: {fmt(f['processor'])} votes/s on the whole {fmt(f['processor_box_cores'])}-core box (MariaDB included)"),
        ("Results per core", f"{fmt(r['results_pc'])} reads/s", f"results-api.md: {fmt(f['results'])} req/s on {f['results_server_cores']} core(s) (bare GET {fmt(f['bare_get'])} req/s)"),
        ("Ingest nodes", f"{fmt(r['ingest'][2])} nodes ({fmt(r['ingest'][1])} pods, {fmt(r['ingest'][0])} cores)", f"{fmt(a.votes)} votes/s × {h:g} / per core"),
        ("Processor nodes", f"{fmt(r['processor'][2])} nodes ({fmt(r['processor'][1])} pods, {fmt(r['processor'][0])} cores)", f"{fmt(a.votes)} votes/s × {h:g} / per core"),
        ("Results nodes", f"{fmt(r['results'][2])} nodes ({fmt(r['results'][1])} pods, {fmt(r['results'][0])} cores)", f"{fmt(a.reads)} reads/s × {h:g} / per core"),
        ("Kafka partitions", f"{r['partitions']}", f"≥ processor pods and ≥ votes × {h:g} / {fmt(r['kafka_per_partition'])} per partition (measured), next power of two"),
        ("Kafka brokers", f"{r['kafka_brokers']} nodes ({fmt(r['kafka_cores'])} cores)", f"votes × {h:g} × replication {a.replication_factor} / {fmt(r['kafka_pc'])} messages/s per core (producer + broker box)"),
        ("MySQL write load per shard", f"{fmt(r['shard_votes'])} votes/s", f"{fmt(a.votes)} / {a.shard_databases} databases: participation check, then participation + ballot (with its leaf index) + tally outbox rows"),
        ("MySQL cores per shard", f"{fmt(r['shard_cores'], 1)} (at the raw ceiling: {fmt(r['shard_cores_raw'], 1)})", f"per shard × {h:g} / processor per core (raw: / {fmt(r['raw_pc'])} votes/s per core)"),
        ("MySQL servers", f"{r['mysql_servers']} ({r['shards_per_server']} shard databases each)", f"{fmt(a.max_server_cores)}-core servers"),
        ("Merkle log database", f"{fmt(r['log_cores'], 1)} cores of one server", f"{fmt(a.votes)} leaves/s × {h:g} / {fmt(r['log_rows_pc'])} leaves/s per core (log-append.md: {fmt(r['log_best'][1])} leaves/s with {r['log_best'][0]} appenders at once, {fmt(f['log_appends'][1])} with one, on {fmt(f['log_box_cores'])} cores)"),
        ("Redis gate CPU per vote", f"{fmt(r['redis_cost'][1], 1)} µs", f"voter-gate.md: enter + commit per accepted vote (enter: {r['redis_commands_bitmap'][0]} commands at most per voter, commit: {r['redis_commands_bitmap'][1]} with one BITFIELD for the {r['bloom'][1]} bits, bitmap backend) on a cluster with {r['redis_cost'][0]} filter shards; {fmt(f['gate_one_server_us'], 1)} µs on one server; results cache: {fmt(r['redis_results_reads'])} GETs/s"),
        ("Redis primaries", f"{r['redis_primaries']} (+ as many replicas)", f"votes × {h:g} × {fmt(r['redis_cost'][1], 1)} µs = {fmt(r['redis_cores'], 1)} single-threaded cores"),
        ("Redis load per Bloom hash tag", f"{r['redis_tag_load']:.2f} cores", f"over {a.bloom_shards} shards; measured: " + ", ".join(f"{n} shards {load:.2f}" for n, load in r["redis_tag_loads"].items())),
        ("Bloom memory", f"{r['bloom'][2] / 2**20:,.1f} MiB ({fmt(r['bloom'][2])} bytes)", f"{fmt(a.voters)} voters at {a.fpr:g}: {a.bloom_shards} × {fmt(r['bloom'][0])} bits, {r['bloom'][1]} hashes (BloomFilterShape); Redis allocates more: {f['gate_filter_allocated'] / f['gate_filter_bits_bytes']:.2f}× with {fmt(f['gate_filter_shards'])} shards (voter-gate.md), up to 2× with bitmaps under 1 MiB"),
        ("Accepted-marker memory", f"{r['marker_bytes'] / 2**30:,.1f} GiB", f"{fmt(a.voters)} voters × {fmt(f['gate_bytes_per_voter'])} bytes per accepted voter (voter-gate.md, one server)"),
        ("ClickHouse inserts/s", f"{fmt(r['ch_inserts'], 1)} ({fmt(r['ch_rows'])} rows/s)", f"≤ 2 tables × {fmt(a.votes)} / {fmt(a.batch_size)} votes per batch; results queries {fmt(r['ch_queries'], 1)}/s"),
    ]
    first = r["units"][0]
    verdict = "over" if first[1] > 1 else "under"
    rows.append(("First bottleneck", f"{first[0]} ({first[1]:.1f}× its unit's capacity)", f"{verdict} capacity: {first[2]}"))
    for name, load, why in r["units"][1:]:
        rows.append(("Next", f"{name} ({load:.2f}×)", why))

    out = [
        "# Capacity model (generated)",
        "",
        f"Generated by `python3 bench/capacity/model.py` from `{os.path.relpath(a.bench_dir, ROOT)}`; do not edit by hand.",
        f"Peak: {fmt(a.votes)} votes/s, {fmt(a.reads)} reads/s; headroom {h:g}×; pods of {a.pod_cores:g} cores, nodes of {a.node_cores:g} cores.",
        "See [capacity-model.md](capacity-model.md) for the model and its assumptions.",
        "",
        "| figure | value | how |",
        "|---|---|---|",
    ]
    out += [f"| {name} | {value} | {how} |" for name, value, how in rows]
    return "\n".join(out) + "\n"


def main(argv):
    a = arguments(argv)
    try:
        f = measured(a.bench_dir)
    except MissingFigure as e:
        print(f"model.py: missing figure: {e}", file=sys.stderr)
        return 2
    r = model(f, a)
    text = render(f, r, a)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w", encoding="utf-8") as out:
        out.write(text)
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
