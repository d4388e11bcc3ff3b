namespace Ranvier.Server.Configuration;

/// <summary>The documented sample ranvier.yaml shipped inside the executable (written by --generate-config).</summary>
public static class SampleConfig
{
    public static string Text { get; } = Read();

    private static string Read()
    {
        using var stream = typeof(SampleConfig).Assembly.GetManifestResourceStream("ranvier.sample.yaml")
            ?? throw new InvalidOperationException("The sample configuration is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
