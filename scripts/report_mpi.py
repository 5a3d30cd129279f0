"""report_mpi.py - the report section "Beyond one machine": the mpi model (Open MPI ranks) beside fork and the pool."""

import facts
import stats
from facts import group_runs_of
from latex import code, secs, tex

GROUP = "mpi"          # sweep.def: mpi, fork and pool on one host
TCP_GROUP = "mpi-tcp"  # sweep.def: the same primes with TVP_MPIRUN_ARGS="--mca btl tcp,self"
CLUSTER_GROUP = "mpi-cluster"  # sweep.def: the same primes across two hosts made by scripts/netns-cluster.sh
ROUND_TRIPS = [("pipe_round_trip", "pipe: one byte to a process and back"),
	       ("pool_task_round_trip", "pool: an empty task to a worker and back"),
	       ("mpi_shm_round_trip", "MPI over shared memory: one byte to a rank and back"),
	       ("mpi_tcp_round_trip", "MPI over TCP (loopback): one byte to a rank and back")]
TRANSFERS = [("pipe_bytes", "pipe"), ("shm_bytes", "MAP_SHARED"), ("mpi_shm_bytes", "MPI, shared memory"),
	     ("mpi_tcp_bytes", "MPI, TCP (loopback)")]


def startup(run):
	"""Starting the workers: once for the pool and mpi (startup_s: the pool's forks; mpi's mpirun,
	the exec of every rank, MPI_Init and the check-in), every run for fork (its spawn phase)."""
	return run.get("startup_s") or run.get("phases_s", {}).get("spawn")


def by_workload(runs):
	"""{workload: {model: run}}."""
	table = {}
	for run in runs:
		table.setdefault(run["workload"], {})[run["model"]] = run
	return table


def launch_table(w, table):
	"""Start-up and the median run per workload: fork, pool, mpi, and mpi against the pool."""
	rows = []
	verdicts = []
	for workload, models in sorted(table.items()):
		for model in ("fork", "pool", "mpi"):
			run = models.get(model)
			if not run:
				continue
			extra = ""
			if model == "mpi" and "pool" in models:
				i = stats.ratio_interval(stats.repeats(run), stats.repeats(models["pool"]))
				extra = tex(stats.compare_words(i)) + facts.noisy_note(run, models["pool"])
				fork = models.get("fork")
				verdicts.append((workload, run, i, stats.ratio_interval(stats.repeats(run), stats.repeats(fork))
						 if fork else None, facts.noisy_note(run, models["pool"], *([fork] if fork else []))))
			rows.append([tex(workload), code(model), str(run["workers"]), secs(startup(run)),
				     secs(run["wall_s"]["median"]), secs(run["phases_s"]["compute"]), extra])
		rows.append(None)
	w.table("llrrrrp{0.3\\textwidth}", ["workload", "model", "workers", "start-up", "median run", "compute",
					     "mpi against the pool (runs)"], rows[:-1])
	for workload, models in sorted(table.items()):
		if "pool" in models and "fork" in models:
			w.emit(pool_against_fork(models["pool"], models["fork"]))
	return verdicts


def kernel_cpu(run):
	"""The CPU time a run's workers spent in the kernel, summed (workers_detail cpu_s of its last
	repeat), or None."""
	detail = run.get("workers_detail") or []
	cpu = [w.get("cpu_s") for w in detail]
	return sum(cpu) if cpu and all(isinstance(c, (int, float)) for c in cpu) else None


def pool_against_fork(pool, fork):
	"""A sentence when the pool and fork differ measurably on the same work: whether the
	difference is in the kernels' CPU time (the computing) or outside it; '' when they do not."""
	i = stats.ratio_interval(stats.repeats(pool), stats.repeats(fork))
	if stats.differs(i) == 0:
		return ""
	a, b = kernel_cpu(pool), kernel_cpu(fork)
	text = "At %s the pool against fork: %s." % (tex(facts.sizes_text(pool)), tex(stats.compare_words(i)))
	if a and b:
		text += " Their workers spent %s (pool) and %s (fork) of CPU time in the kernel for the same tasks, so %s" % (
			secs(a), secs(b), "the difference is in the computing itself, not in the pool's task messages; this run "
			"does not show why the same kernels took longer." if max(a, b) > 1.2 * min(a, b) else
			"the difference lies outside the kernels (starting, messages, waiting).")
	return text + "\n\n"


def transport_table(w, shm, tcp):
	"""The same primes run over shared memory and over TCP."""
	rows = []
	for name, run in (("shared memory", shm), ("TCP, loopback", tcp)):
		info = run.get("model_info", {})
		rows.append([tex(name), tex(info.get("transport", "?")), secs(run["wall_s"]["median"]),
			     secs(run["phases_s"]["collect"])])
	w.table("llrr", ["ranks talk over", "Open MPI's transport", "median run", "collect"], rows)
	i = stats.ratio_interval(stats.repeats(tcp), stats.repeats(shm))
	w.emit("TCP against shared memory for the whole run: %s. The ranks exchange a few small messages per "
	       "run (the go message, task claims, the results), %s\n\n" % (
		       tex(stats.compare_words(i)),
		       "so in a compute-bound workload the transport does not show here." if stats.differs(i) == 0
		       else "yet the transport shows here: on a machine this small a TCP rank's kernel work competes "
		       "with the computing ranks for the cores."))


def cluster_paragraph(w, shm, doc):
	"""The same primes across two hosts made on this machine (network namespaces joined by a veth
	pair, TCP between them) against one host over shared memory."""
	run = (doc or {}).get("runs", [None])[0]
	if not run or not shm:
		w.emit("Two hosts: " + w.not_measured([CLUSTER_GROUP]) + "\n\n")
		return
	hosts = run.get("model_info", {}).get("hosts", [])
	names = ", ".join("%s (%d rank%s)" % (h["name"], h["ranks"], "" if h["ranks"] == 1 else "s") for h in hosts)
	i = stats.ratio_interval(stats.repeats(run), stats.repeats(shm))
	w.emit("Two hosts made on this machine (\\texttt{scripts/netns-cluster.sh}: two network namespaces, each with "
	       "its own host name, joined by a veth pair; the ranks talk TCP between two network stacks): %s on %s, "
	       "median run %s, start-up %s. Against one host over shared memory: %s. The hosts share this "
	       "machine's cores and memory, so this shows the launcher and the transport across network stacks, "
	       "not a network.\n\n" % (tex(facts.sizes_text(run)), tex(names), secs(run["wall_s"]["median"]),
					  secs(startup(run)), tex(stats.compare_words(i))))
	w.conclusions.append("Beyond one machine (%s, %d ranks on two hosts made of network namespaces, TCP between "
			     "them): against one host over shared memory: %s." % (
				     tex(facts.sizes_text(run)), run["workers"], tex(stats.compare_words(i))))


def overhead_tables(w, doc):
	"""The MPI round trips and transfers beside the pipe's and MAP_SHARED's (tvp overhead)."""
	ops = {o["operation"]: o for o in (doc or {}).get("overhead", [])}
	rows = [[tex(text), secs(ops[name]["seconds_per_op"]), secs(ops[name]["min_s"])]
		for name, text in ROUND_TRIPS if name in ops]
	if not any(name.startswith("mpi_") for name, _ in ROUND_TRIPS if name in ops):
		w.emit("The MPI round trips were not measured (\\texttt{tvp overhead} without Open MPI).\n\n")
		return
	w.table("lrr", ["round trip", "median", "min"], rows)
	rows = [[tex(text), secs(ops[name]["seconds_per_op"]), secs(ops[name]["min_s"]),
		 "%.2f GB/s" % (ops[name]["bytes_per_op"] / ops[name]["min_s"] / 1e9 if ops[name]["min_s"] else 0)]
		for name, text in TRANSFERS if name in ops]
	w.table("lrrr", ["moving %d MiB" % (ops["pipe_bytes"]["bytes_per_op"] >> 20) if "pipe_bytes" in ops else "moving",
			 "median", "min", "at the min"], rows)
	w.emit("MPI's shared-memory round trip is shorter than the pipe's because both ranks poll (spin on "
	       "memory) instead of sleeping in the kernel: each waiting rank keeps a CPU busy. That is why a "
	       "loaded machine stretches MPI's medians far above their minimums, and why tvp's ranks wait for "
	       "their turn with a test-and-nap loop rather than Open MPI's blocking calls.\n\n")


def section(w):
	"""Beyond one machine: launch cost, mpi against the pool, shared memory against TCP, the round trips."""
	w.emit("\\section{Beyond one machine: MPI ranks}\n")
	runs = group_runs_of(w.a, GROUP)
	if not runs:
		w.emit(w.not_measured([GROUP]) + "\n\n")
		return
	table = by_workload(runs)
	any_mpi = next((r for r in runs if r["model"] == "mpi"), None)
	info = (any_mpi or {}).get("model_info", {})
	w.emit("The \\texttt{mpi} model runs the same workloads as Open MPI ranks (%s), started by \\texttt{mpirun}; "
	       "here all on this one host (%s). Rank 0 is the harness and worker 0. Static and random schedules need "
	       "no message; dynamic and guided ranks claim tasks with one-sided \\texttt{MPI\\_Fetch\\_and\\_op} on a "
	       "counter on rank 0; results come back by \\texttt{MPI\\_Gatherv}. Like the pool, the ranks start "
	       "once and serve every repeat. Start-up is, for mpi, from tvp starting \\texttt{mpirun} until every "
	       "rank has checked in (its exec, \\texttt{MPI\\_Init}, the check-in); for the pool its forks, both "
	       "paid once; for fork its spawn phase, paid every run. The runs are measured after a warm-up.\n\n" % (
		       tex(info.get("library", "Open MPI")), tex(info.get("transport", "shared memory"))))
	verdicts = launch_table(w, table)
	counts = sorted({r["workers"] for r in runs if r["model"] == "mpi" and r["workers"] <= w.a.cores})
	if len(counts) < 3:
		w.emit("No prediction for more ranks: at or below the cores the sweep ran mpi at %s, and a USL fit "
		       "needs three rank counts there (Fits, in Machine and method).\n\n" % (
			       "N = " + ", ".join(map(str, counts)) if counts else "no rank count"))
	fork = table.get(any_mpi["workload"], {}).get("fork") if any_mpi else None
	if fork and startup(fork):
		w.emit("Starting %d ranks took %s against %s for fork's %d processes (%.0fx): a cluster's launcher pays "
		       "for daemons, process placement and a wire-up of every rank with every other before any "
		       "work.\n\n" % (any_mpi["workers"], secs(startup(any_mpi)), secs(startup(fork)),
					fork["workers"], startup(any_mpi) / startup(fork)))
	tcp_doc = w.a.extra_json(TCP_GROUP)
	tcp = (tcp_doc or {}).get("runs", [None])[0]
	shm = table.get("primes", {}).get("mpi")
	if tcp and shm:
		transport_table(w, shm, tcp)
	else:
		w.emit(w.not_measured([TCP_GROUP]) + "\n\n")
	cluster_paragraph(w, shm, w.a.extra_json(CLUSTER_GROUP))
	overhead_tables(w, w.a.extra_json("overhead"))
	w.emit("What one machine cannot show. Here every rank shares one memory bus and the TCP runs cross the "
	       "loopback, which is a memory copy in the kernel: a network adds its latency (a few microseconds on "
	       "InfiniBand, tens to hundreds on Ethernet, against the sub-microsecond shared-memory round trip "
	       "above) and its bandwidth limit (1-100 Gbit/s, 0.1-12 GB/s, against the GB/s of the MAP\\_SHARED row above) to every message, and "
	       "a file that every host reads at the same path must be copied or served by a shared file system. "
	       "Workloads with few messages per unit of compute, like these, are the ones that scale across hosts; "
	       "tvp's two-host test (two network namespaces joined by a veth pair) runs the same ranks over TCP "
	       "between network stacks, but still on one machine's cores and memory.\n\n")
	for _, run, i, against_fork, noisy in verdicts:
		w.conclusions.append("Beyond one machine (%s, %d ranks on one host, after a warm-up): mpi against the "
				     "pool: %s%s%s; mpi's start-up %s." % (
					     tex(facts.sizes_text(run)), run["workers"], tex(stats.compare_words(i)),
					     "; against fork: %s" % tex(stats.compare_words(against_fork)) if against_fork else "",
					     noisy, secs(startup(run))))
