/**
 * `npm run setup:cloudflare [-- --dry-run] [--env <name>] [--database <name>] [--prompt-token] [--no-anthropic] [--no-deploy]`:
 * a guided first deployment. Prints its plan (scripts/setup-plan.ts), then: finds or creates the D1 database,
 * writes its id into wrangler.toml, applies the migrations remotely, deploys, and sets the secrets API_TOKEN
 * (generated, or typed and checked) and ANTHROPIC_API_KEY (optional) through `wrangler secret put`, their
 * values on stdin (never on a command line). `--dry-run` prints the plan and changes nothing.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { databaseIdFromList, DEFAULT_OPTIONS, planSetup, promptedTokenProblem, renderPlan, setDatabaseId, type SetupOptions, type SetupStep } from "./setup-plan";

export interface SetupIO {
  run(command: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  ask(question: string): Promise<string>;
  readConfig(): string;
  writeConfig(text: string): void;
  randomToken(): string;
  log(line: string): void;
}

async function must(io: SetupIO, command: string[], stdin?: string): Promise<string> {
  const r = await io.run(command, stdin);
  if (r.code !== 0) throw new Error(`\`${command.join(" ")}\` failed (${r.code}):\n${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

async function secretValue(io: SetupIO, step: Extract<SetupStep, { kind: "secret" }>): Promise<string | null> {
  if (step.source === "generate") return io.randomToken();
  if (step.source === "prompt-optional") return (await io.ask(`${step.name} (empty to skip): `)).trim() || null;
  for (;;) {
    const token = (await io.ask(`${step.name}: `)).trim();
    const problem = promptedTokenProblem(token);
    if (!problem) return token;
    io.log(`  ${problem}; try again (or press Ctrl-C and run without --prompt-token to generate one)`);
  }
}

/** Prints the plan; without dry run carries it out (the process exits when main ends, closing the prompt). Answers the generated API token, if one was set. */
export async function runSetup(opts: SetupOptions, io: SetupIO): Promise<{ apiToken: string | null; steps: SetupStep[] }> {
  const steps = planSetup(io.readConfig(), opts);
  for (const line of renderPlan(steps, opts)) io.log(line);
  if (opts.dryRun) return { apiToken: null, steps };
  let apiToken: string | null = null;
  let databaseId: string | null = null;
  for (const [i, step] of steps.entries()) {
    io.log(`\n▶ ${i + 1}. ${step.title}`);
    switch (step.kind) {
      case "keep-database-id":
        break;
      case "find-database":
        databaseId = databaseIdFromList(await must(io, step.command), opts.database);
        io.log(databaseId ? `  found: ${databaseId}` : "  not there yet");
        break;
      case "create-database":
        if (databaseId) break;
        await must(io, step.command);
        databaseId = databaseIdFromList(await must(io, ["wrangler", "d1", "list", "--json"]), opts.database);
        if (!databaseId) throw new Error(`created "${opts.database}" but \`wrangler d1 list --json\` does not list it`);
        io.log(`  created: ${databaseId}`);
        break;
      case "write-database-id": {
        const { text, blocks } = setDatabaseId(io.readConfig(), opts.database, databaseId!);
        io.writeConfig(text);
        io.log(`  wrote database_id = "${databaseId}" into ${blocks} block(s) of ${step.file}`);
        break;
      }
      case "secret": {
        const value = await secretValue(io, step);
        if (value === null) {
          io.log("  skipped");
          break;
        }
        await must(io, step.command, value);
        if (step.name === "API_TOKEN") apiToken = value;
        break;
      }
      default:
        await must(io, step.command);
    }
  }
  return { apiToken, steps };
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CONFIG = `${ROOT}wrangler.toml`;

/**
 * Commands run with the terminal's stdin (wrangler may ask to log in or to confirm the migrations) unless a secret
 * is piped in; their output is shown as it comes, except `--json` listings, which are only parsed.
 */
function nodeIO(): SetupIO {
  return {
    run: (command, stdin) =>
      new Promise((resolve, reject) => {
        const [bin, ...args] = command;
        const quiet = args.includes("--json");
        const child = spawn(`${ROOT}node_modules/.bin/${bin}`, args, {
          cwd: ROOT,
          stdio: [stdin === undefined ? "inherit" : "pipe", "pipe", "pipe"],
          env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
        });
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (d: Buffer) => {
          stdout += d.toString();
          if (!quiet) process.stdout.write(d);
        });
        child.stderr!.on("data", (d: Buffer) => {
          stderr += d.toString();
          process.stderr.write(d);
        });
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
        if (stdin !== undefined) child.stdin!.end(`${stdin}\n`);
      }),
    // Secrets are typed without echo: readline writes what is typed to an output that drops it.
    ask: (question) =>
      new Promise((resolve) => {
        process.stdout.write(question);
        const silent = new Writable({ write: (_chunk, _enc, done) => done() });
        const rl = createInterface({ input: process.stdin, output: silent, terminal: Boolean(process.stdin.isTTY) });
        rl.question("", (answer) => {
          rl.close();
          process.stdout.write("\n");
          resolve(answer);
        });
      }),
    readConfig: () => readFileSync(CONFIG, "utf8"),
    writeConfig: (text) => writeFileSync(CONFIG, text),
    randomToken: () => randomBytes(32).toString("base64url"),
    log: (line) => console.log(line),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "dry-run": { type: "boolean", default: false },
      env: { type: "string" },
      database: { type: "string", default: DEFAULT_OPTIONS.database },
      "prompt-token": { type: "boolean", default: false },
      "no-anthropic": { type: "boolean", default: false },
      "no-deploy": { type: "boolean", default: false },
    },
  });
  const opts: SetupOptions = {
    env: values.env ?? null,
    database: values.database!,
    dryRun: values["dry-run"]!,
    apiToken: values["prompt-token"] ? "prompt" : "generate",
    anthropic: !values["no-anthropic"],
    deploy: !values["no-deploy"],
  };
  const { apiToken } = await runSetup(opts, nodeIO());
  if (opts.dryRun) {
    console.log("\nDry run: nothing was changed. Run without --dry-run to do it.");
    return;
  }
  console.log(`
Done.${apiToken ? `\n\n  API token (admin; shown once, store it in a password manager now):\n  ${apiToken}\n` : ""}
  Check:   curl https://<your worker>/health        (ready: true, auth.reason: null)
  Start:   curl -X POST -H "Authorization: Bearer <API token>" https://<your worker>/api/engine/start
  Tokens:  curl -X POST -H "Authorization: Bearer <API token>" -H "content-type: application/json" \\
             https://<your worker>/api/tokens -d '{"name":"dashboard","scope":"read"}'
  See docs/OPERATIONS.md, "Deploy to Cloudflare".`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`\n✖ ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
