import { CliError } from './admin-client';

export async function importAppCommand(dir: string | undefined, _flag: (name: string) => string | undefined): Promise<void> {
  throw new CliError(`import app ${dir ?? ''}: not yet`);
}
