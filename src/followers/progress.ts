// A one-line progress bar on a terminal (redrawn in place); elsewhere (CI, a pipe) a line per tenth.

export interface Progress {
  tick(done: number): void;
  end(): void;
}

export function progressBar(label: string, total: number, out: NodeJS.WriteStream = process.stderr): Progress {
  const width = 30;
  let lastTenth = -1;
  const line = (done: number) => {
    const filled = total ? Math.round((done / total) * width) : width;
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
  };
  return {
    tick(done) {
      if (out.isTTY) out.write(`\r${line(done)}`);
      else {
        const tenth = total ? Math.floor((done / total) * 10) : 10;
        if (tenth > lastTenth) {
          lastTenth = tenth;
          out.write(`${line(done)}\n`);
        }
      }
    },
    end() {
      if (out.isTTY) out.write('\n');
    },
  };
}
