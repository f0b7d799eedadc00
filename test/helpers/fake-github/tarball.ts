/**
 * A commit as GitHub's codeload serves it (`git archive --format=tar.gz`): a pax global header carrying the commit SHA,
 * then every directory and file under "<owner>-<repo>-<sha7>/", in git's tree order.
 */
import { gzipSync } from "node:zlib";
import tarStream from "tar-stream";
import type { ObjectStore } from "./git.js";

const BLOCK = 512;

/** A ustar header block of type 'g' (pax global extended header), which tar-stream's packer cannot write. */
function paxGlobalHeader(records: string, mtime: number): Buffer {
  const header = Buffer.alloc(BLOCK);
  const put = (offset: number, length: number, value: string) => header.write(value.slice(0, length), offset, length, "utf8");
  const octal = (offset: number, length: number, value: number) => put(offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
  put(0, 100, "pax_global_header");
  octal(100, 8, 0o666);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, Buffer.byteLength(records));
  octal(136, 12, mtime);
  header.fill(" ", 148, 156);
  put(156, 1, "g");
  put(257, 6, "ustar\0");
  put(263, 2, "00");
  put(265, 32, "root");
  put(297, 32, "root");
  let sum = 0;
  for (const byte of header) sum += byte;
  put(148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  const body = Buffer.from(records);
  const padding = Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK);
  return Buffer.concat([header, body, padding]);
}

/** A pax record: "<length> <key>=<value>\n", where the length counts the whole record including itself. */
function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(rest) + 1;
  while (String(length).length + Buffer.byteLength(rest) !== length) length = String(length).length + Buffer.byteLength(rest);
  return `${length}${rest}`;
}

export async function buildTarball(store: ObjectStore, commitSha: string, prefix: string): Promise<Buffer> {
  const commit = store.commit(commitSha);
  const mtime = new Date(commit.time * 1000);
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    pack.on("end", resolve);
    pack.on("error", reject);
  });
  const common = { mtime, uid: 0, gid: 0, uname: "root", gname: "root" };
  pack.entry({ ...common, name: `${prefix}/`, type: "directory", mode: 0o775 });
  for (const entry of store.walk(commit.tree, true)) {
    if (entry.type === "tree") {
      pack.entry({ ...common, name: `${prefix}/${entry.path}/`, type: "directory", mode: 0o775 });
    } else {
      pack.entry({ ...common, name: `${prefix}/${entry.path}`, type: "file", mode: 0o664 }, store.blob(entry.sha).data);
    }
  }
  pack.finalize();
  await done;
  const tar = Buffer.concat([paxGlobalHeader(paxRecord("comment", commitSha), commit.time), ...chunks]);
  return gzipSync(tar);
}
