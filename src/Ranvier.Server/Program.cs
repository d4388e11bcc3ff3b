namespace Ranvier.Server;

/// <summary>The ranvier executable.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        _ = args;
        return 0;
    }
}
