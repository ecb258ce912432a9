#!/usr/bin/env node
import { runCli } from './cli.js';
import { STDIO } from './commands/io.js';

process.exitCode = await runCli(process.argv, STDIO);
