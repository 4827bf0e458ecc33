#!/usr/bin/env node
import { launchMain } from './cli.js';

process.exitCode = await launchMain(process.argv.slice(2));
