import { parseArgs, type ParseArgsConfig } from "node:util";

/**
 * A simulator CLI's options, strictly parsed: an unknown option or a bad value prints one line pointing at
 * `--help` and exits 2.
 */
export function parseOptionsOrExit<O extends NonNullable<ParseArgsConfig["options"]>>(options: O, command: string) {
  try {
    return parseArgs({ options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)} (${command} -- --help lists the options)`);
    process.exit(2);
  }
}
