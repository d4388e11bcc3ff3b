namespace Ranvier.Storage;

/// <summary>Placeholder until the first store lands.</summary>
internal static class StorageMarker;
