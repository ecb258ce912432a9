// Preloaded by the benchmark into the CLI process: prints its peak resident set size when it exits.
process.on('exit', () => process.stderr.write(`pgha-bench maxrss_kb=${process.resourceUsage().maxRSS}\n`));
