using System.Runtime.Versioning;

// The server runs and is tested on Linux (POSIX signals, Unix file modes).
[assembly: SupportedOSPlatform("linux")]
