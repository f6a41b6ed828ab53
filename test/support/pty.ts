// Runs a command on a real pseudo-terminal (Python's pty module), so a test can answer a prompt the
// way an operator's keyboard does — "y", "n" or Ctrl-D — through the kernel's terminal, not a mock.
import { spawn } from "node:child_process";

/** What a command printed on its terminal, and how it ended. */
export interface PtyRun {
    /** The exit code (negative: killed by that signal). */
    readonly code: number;
    /** Everything written to the terminal (stdout and stderr together, as a terminal shows them). */
    readonly output: string;
    /** Whether the prompt appeared and the answer was typed. */
    readonly answered: boolean;
}

// Forks the command on a pty, types `answer` once `prompt` has appeared, and reads until the
// command closes the terminal. Bounded: past `limit` seconds the command is killed.
const driver = `
import fcntl, json, os, pty, select, signal, struct, sys, termios, time
argv, answer, prompt, limit, cwd, columns = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    if columns:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    os.chdir(cwd)
    os.execvp(argv[0], argv)
out, answered, deadline = b"", False, time.time() + limit
while True:
    if time.time() > deadline:
        os.kill(pid, signal.SIGKILL)
        break
    ready, _, _ = select.select([fd], [], [], 0.2)
    if not ready:
        continue
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if not answered and prompt.encode() in out:
        os.write(fd, answer.encode())
        answered = True
_, status = os.waitpid(pid, 0)
print(json.dumps({"code": os.waitstatus_to_exitcode(status), "output": out.decode(errors="replace"), "answered": answered}))
`;

/** Runs `argv` on a pty in `cwd`, typing `answer` at `prompt`; at most `limitSeconds`; a terminal `columns` wide when given. */
export function runOnPty(
    argv: readonly string[],
    opts: { readonly cwd: string; readonly prompt: string; readonly answer: string; readonly limitSeconds?: number; readonly columns?: number },
): Promise<PtyRun> {
    const input = JSON.stringify([argv, opts.answer, opts.prompt, opts.limitSeconds ?? 300, opts.cwd, opts.columns ?? 0]);
    return new Promise((resolve, reject) => {
        const child = spawn("python3", ["-c", driver, input], { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += String(d)));
        child.stderr.on("data", (d) => (stderr += String(d)));
        child.on("error", reject);
        child.on("exit", (code) => {
            if (code !== 0) {
                reject(new Error(`pty driver exited ${String(code)}: ${stderr}`));
                return;
            }
            resolve(JSON.parse(stdout) as PtyRun);
        });
    });
}
