namespace Ranvier.Server.Services.Memory;

/// <summary>An in-memory cache that <see cref="IdleMemoryTrimmer"/> empties when a busy spell is over.</summary>
public interface IReleasesMemory
{
    /// <summary>Forgets what is cached; later reads fill it again.</summary>
    void ReleaseMemory();
}
