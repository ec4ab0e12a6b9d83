/**
 * Terminal progress: on a TTY a status block is redrawn in place with log lines scrolling above it; elsewhere
 * (CI, pipes) status lines are printed only when they change, so logs stay readable.
 */
export class LiveView {
  private readonly out: NodeJS.WriteStream;
  private readonly tty: boolean;
  private drawn = 0;
  private last = "";

  constructor(out: NodeJS.WriteStream) {
    this.out = out;
    this.tty = out.isTTY === true;
  }

  private clear(): void {
    if (!this.tty || this.drawn === 0) return;
    this.out.write(`\u001b[${this.drawn}A\u001b[0J`);
    this.drawn = 0;
  }

  private line(text: string): void {
    const block = this.last;
    this.clear();
    this.out.write(`${text}\n`);
    if (this.tty && block) this.draw(block);
  }

  private draw(block: string): void {
    this.out.write(`${block}\n`);
    this.drawn = block.split("\n").length;
  }

  say(text: string): void {
    this.line(`\u001b[1m›\u001b[0m ${text}`);
  }

  event(text: string): void {
    this.line(`  \u001b[2m${new Date().toISOString().slice(11, 19)}\u001b[0m ${text}`);
  }

  status(lines: string[]): void {
    const block = lines.join("\n");
    if (block === this.last) return;
    this.last = block;
    if (this.tty) {
      this.clear();
      this.draw(block);
    } else {
      this.out.write(`${lines.map((l) => `  | ${l}`).join("\n")}\n`);
    }
  }

  done(text: string): void {
    this.line(`\u001b[32m✔\u001b[0m ${text}`);
  }

  fail(text: string): void {
    this.line(`\u001b[31m✖\u001b[0m ${text}`);
  }
}
