using System.Globalization;

namespace Ranvier.LoadBench;

/// <summary>The resident set size of a process, as Linux reports it in <c>/proc/&lt;pid&gt;/status</c> (VmRSS).</summary>
internal static class ProcessMemory
{
    /// <summary>VmRSS in MiB, or null when there is no process to read (no PID, not Linux, or it has exited).</summary>
    public static double? ResidentMegabytes(int? pid)
    {
        if (pid is null)
        {
            return null;
        }

        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{pid.Value.ToString(CultureInfo.InvariantCulture)}/status");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // "VmRSS:\t  123456 kB"
        var line = lines.FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var fields = line?.Split(' ', '\t').Where(f => f.Length > 0).ToArray();
        return fields is { Length: >= 2 } && long.TryParse(fields[1], CultureInfo.InvariantCulture, out var kib) ? kib / 1024.0 : null;
    }
}
