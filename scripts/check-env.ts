// Prints one line per bad environment variable and exits 1; silent when all is well.
import { EnvError, parseEnv } from "../src/env";

try {
  parseEnv();
} catch (error) {
  if (error instanceof EnvError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
