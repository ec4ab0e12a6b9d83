/**
 * `./dev demo [--exit]`: the embedded demo (hub, emulated clusters and agents in one go). It grows as the
 * issues land; the first walk through a canary arrives with issue 7 (Agent I).
 */
const args = process.argv.slice(2).filter((a) => a !== "--");
const exitWhenDone = args.includes("--exit");
console.log(
  [
    "Bellwether demo",
    "",
    "Not available yet: the first demo (emulated cluster + agent walking a canary through its steps) arrives",
    'with issue 7, "Agent I: controller runtime, canary reconciler, commands, status — and the first demo".',
    "Until then: ./dev test runs every check.",
  ].join("\n"),
);
void exitWhenDone;
