// The machine as the CLIs' per-platform npm packages name it.

/** e.g. linux-x64, darwin-arm64. */
export function platformName(): string {
  return `${process.platform}-${process.arch}`;
}

/** Linux with musl libc (Alpine) instead of glibc. */
export function isMusl(): boolean {
  if (process.platform !== 'linux') return false;
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime === undefined;
}
