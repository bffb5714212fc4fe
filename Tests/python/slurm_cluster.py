"""A real single-machine Slurm cluster for the tests: munged, slurmctld and slurmd from
Debian's `munge` and `slurm-wlm`, each with its own key, socket, ports, state, spool, pid
and log files in a temporary directory, so nothing touches /etc or a system daemon and
two test runs on one machine do not meet.

    def test_x(slurm_cluster):
        job = slurm_cluster.sbatch(["--wrap", "true"])
        assert slurm_cluster.wait([job])[job] == ["COMPLETED"]

Jobs run as root on this machine's hostname (the NodeName `slurmd -C` reports), with its
real CPUs and memory. No cgroups are needed (proctrack/linuxproc, task/none), so it runs
in containers. `cluster.env` (SLURM_CONF set) is the environment for sbatch & co."""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

DAEMONS = ("munged", "slurmctld", "slurmd")
FINISHED = {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL",
            "DEADLINE", "PREEMPTED"}

NEVER = {"DependencyNeverSatisfied", "PartitionConfig", "BadConstraints"}


def _free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def _node_config():
    """`slurmd -C`: this machine's NodeName, CPUs, boards, sockets, cores, threads, memory."""
    line = subprocess.run(["slurmd", "-C"], check=True, capture_output=True, text=True).stdout.splitlines()[0]
    fields = dict(item.split("=", 1) for item in line.split())
    keep = ["CPUs", "Boards", "SocketsPerBoard", "CoresPerSocket", "ThreadsPerCore", "RealMemory"]
    return fields["NodeName"], " ".join(f"{key}={fields[key]}" for key in keep if key in fields)


class SlurmCluster:
    def __init__(self, root):
        self.root = root
        self.conf = os.path.join(root, "slurm.conf")
        self.socket = os.path.join(root, "munge.socket")
        self.env = dict(os.environ, SLURM_CONF=self.conf)
        for name in list(self.env):  # a job's or the user's own Slurm settings must not leak in
            if name.startswith(("SLURM_", "SBATCH_", "SQUEUE_", "SCONTROL_")) and name != "SLURM_CONF":
                del self.env[name]
        self.processes = {}
        self._open_logs = []

    def path(self, name):
        return os.path.join(self.root, name)

    # -- start and stop --------------------------------------------------------------
    def start(self, timeout=30):
        os.chmod(self.root, 0o755)  # munged insists that everyone can reach its socket
        key = self.path("munge.key")
        with open(key, "wb") as file:
            file.write(os.urandom(1024))
        os.chmod(key, 0o600)
        self.processes["munged"] = subprocess.Popen(
            ["munged", "--foreground", "--force", f"--socket={self.socket}", f"--key-file={key}",
             f"--pid-file={self.path('munged.pid')}", f"--log-file={self.path('munged.log')}",
             f"--seed-file={self.path('munged.seed')}"],
            stdout=subprocess.DEVNULL, stderr=self._log("munged.err"))
        os.close(self._open_logs.pop())
        self._wait_until(lambda: os.path.exists(self.socket), timeout, "munged did not create its socket")

        node, hardware = _node_config()
        self.node = node
        ctld_port, slurmd_port = _free_ports(2)
        for directory in ("state", "spool"):
            os.makedirs(self.path(directory))
        with open(self.conf, "w") as file:
            file.write(f"""\
ClusterName=limetest
SlurmctldHost={node}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire also sets how long a requeued job waits before it may start again (default 120 s)
AuthInfo=socket={self.socket},cred_expire=5
StateSaveLocation={self.path('state')}
SlurmdSpoolDir={self.path('spool')}
SlurmctldPidFile={self.path('slurmctld.pid')}
SlurmdPidFile={self.path('slurmd.pid')}
SlurmctldLogFile={self.path('slurmctld.log')}
SlurmdLogFile={self.path('slurmd.log')}
# no cgroups: works in containers
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
KillWait=2
MinJobAge=600
NodeName={node} NodeAddr=127.0.0.1 {hardware} State=UNKNOWN
PartitionName=debug Nodes={node} Default=YES MaxTime=INFINITE State=UP
""")
        for daemon in ("slurmctld", "slurmd"):
            self.processes[daemon] = subprocess.Popen(
                [daemon, "-D", "-f", self.conf], env=self.env, cwd=self.root,
                stdout=subprocess.DEVNULL, stderr=self._log(f"{daemon}.err"))
        for fd in self._open_logs:
            os.close(fd)
        self._open_logs = []
        self._wait_until(self._idle, timeout, "the node did not become idle")
        return self

    def _log(self, name):
        fd = os.open(self.path(name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        self._open_logs.append(fd)  # closed once the daemon has it (so this process holds none)
        return fd

    def _idle(self):
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{self.logs()}")
        result = subprocess.run(["sinfo", "-h", "-N", "-o", "%T"], env=self.env, capture_output=True, text=True)
        return result.returncode == 0 and result.stdout.strip() == "idle"

    def _wait_until(self, condition, timeout, message):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise RuntimeError(f"{message} within {timeout} s:\n{self.logs()}")
            time.sleep(0.2)

    def logs(self):
        text = []
        for name in ("munged.log", "munged.err", "slurmctld.log", "slurmctld.err", "slurmd.log", "slurmd.err"):
            if os.path.exists(self.path(name)):
                text.append(f"--- {name}\n" + open(self.path(name), errors="replace").read()[-3000:])
        return "\n".join(text)

    def stop(self):
        """Cancels every job, stops the daemons, then ends any job step process left behind
        (slurmstepd and its children hold a file under the cluster's directory open)."""
        if self.processes.get("slurmctld") and self.processes["slurmctld"].poll() is None:
            subprocess.run(["scancel", "--full", "--user=root"], env=self.env, capture_output=True)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                queue = subprocess.run(["squeue", "-h"], env=self.env, capture_output=True, text=True)
                if queue.returncode != 0 or not queue.stdout.strip():
                    break
                time.sleep(0.2)
        for name in ("slurmd", "slurmctld", "munged"):
            process = self.processes.pop(name, None)
            if process is None:
                continue
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        for pid in self.leftovers():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def leftovers(self):
        """Live processes with a working directory or an open file under the cluster's directory."""
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == os.getpid():
                continue
            try:
                with open(f"/proc/{entry}/stat") as file:
                    if file.read().rsplit(")", 1)[1].split()[0] == "Z":
                        continue
                links = [os.readlink(f"/proc/{entry}/cwd")]
                links += [os.readlink(f"/proc/{entry}/fd/{fd}") for fd in os.listdir(f"/proc/{entry}/fd")]
            except OSError:
                continue
            if any(link == self.root or link.startswith(self.root + "/") for link in links):
                found.append(int(entry))
        return found

    def workdir(self, name):
        """A directory for a test's jobs (submit directory, outputs), inside the cluster's
        directory so that teardown finds any process a job left behind."""
        path = self.path(os.path.join("work", name))
        os.makedirs(path)
        return path

    # -- jobs --------------------------------------------------------------------------
    def command(self, *args, **kwargs):
        return subprocess.run(list(args), env=kwargs.pop("env", self.env), check=True, capture_output=True,
                              text=True, **kwargs).stdout

    def sbatch(self, args, **kwargs):
        return self.command("sbatch", "--parsable", *args, **kwargs).strip().split(";")[0]

    def jobs(self, job):
        """`scontrol show job` of a job, or of every task of an array: a list of field dicts."""
        result = subprocess.run(["scontrol", "show", "job", "-o", str(job)], env=self.env,
                                capture_output=True, text=True)
        if result.returncode != 0:
            return []
        return [dict(re.findall(r"(\w+)=(\S*)", line)) for line in result.stdout.splitlines() if line.strip()]

    def wait(self, jobs, timeout=120, until=FINISHED):
        """Waits until every task of every job is in a state of `until` (default: finished);
        returns {job: [state of each task]}. A job pending for a reason that will not go away
        (a dependency that can never be satisfied, more CPUs than the node has) fails at once."""
        deadline = time.monotonic() + timeout
        while True:
            states = {}
            for job in jobs:
                records = self.jobs(job)
                states[job] = [record.get("JobState") for record in records]
                for record in records:
                    if (record.get("JobState") == "PENDING" and record.get("Reason") in NEVER
                            and "PENDING" not in until):
                        raise AssertionError(f"job {job} can never run: {record}\n{self.logs()}")
            if all(states[job] and all(state in until for state in states[job]) for job in jobs):
                return states
            if time.monotonic() > deadline:
                raise AssertionError(f"jobs not done within {timeout} s: {states}\n{self.logs()}")
            time.sleep(0.25)


def slurm_available():
    return all(shutil.which(tool) for tool in DAEMONS + ("sbatch", "squeue", "scontrol", "sinfo", "scancel"))


@pytest.fixture(scope="module")
def slurm_cluster():
    """A running cluster for the module's tests, stopped (no process left) at teardown."""
    assert slurm_available(), "slurm-wlm and munge are not installed (run `make deps`)"
    assert os.geteuid() == 0, "slurmd starts jobs as their user and needs root: run the Slurm tests as root"
    root = tempfile.mkdtemp(prefix="lime-slurm-", dir="/tmp")  # short: Unix socket paths are limited
    cluster = SlurmCluster(root)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        deadline = time.monotonic() + 5
        while (left := cluster.leftovers()) and time.monotonic() < deadline:
            time.sleep(0.2)
        shutil.rmtree(root, ignore_errors=True)
        assert left == [], f"processes left behind by the Slurm cluster: {left}"
