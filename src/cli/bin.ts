#!/usr/bin/env node
import { main, type CliIo } from "./main.js";

const io: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: process.stdout.isTTY === true,
};

process.exitCode = await main(process.argv.slice(2), io);
