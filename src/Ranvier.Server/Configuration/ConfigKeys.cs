using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Ranvier.Server.Configuration;

/// <summary>
/// The dotted names of every key <see cref="RanvierConfig"/> reads ("listen.port"). Used to refuse unknown
/// keys (a typo must not silently leave a default in place) and to check the sample documents them all.
/// The configuration binder's own unknown-key check ignores <see cref="ConfigurationKeyNameAttribute"/>, so
/// it cannot be used for snake_case keys.
/// </summary>
internal static class ConfigKeys
{
    public static IReadOnlySet<string> All { get; } = Collect(typeof(RanvierConfig), prefix: null).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The sections (keys that hold other keys), such as "listen".</summary>
    public static IReadOnlySet<string> Sections { get; } = All
        .SelectMany(k => Prefixes(k))
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="key"/> is a known key, or an item (key.N) of a known list key.</summary>
    public static bool IsKnown(string key)
    {
        if (All.Contains(key) || Sections.Contains(key))
        {
            return true;
        }

        var dot = key.LastIndexOf('.');
        return dot > 0 && key.AsSpan(dot + 1).IndexOfAnyExceptInRange('0', '9') < 0 && All.Contains(key[..dot]);
    }

    private static IEnumerable<string> Prefixes(string key)
    {
        for (var dot = key.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = key.IndexOf('.', dot + 1))
        {
            yield return key[..dot];
        }
    }

    /// <summary>
    /// Walks the properties of <paramref name="type"/> and of the sections it holds. A NativeAOT build keeps the
    /// properties of a type for reflection only when told: each section class is named below (a test checks that none
    /// is missing), since the trimmer cannot follow <see cref="PropertyInfo.PropertyType"/> on its own.
    /// </summary>
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(RanvierConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(PushConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(PresenceConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(RoomsConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(MediaConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(UrlPreviewConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(RateLimitsConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(RateLimitConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(RegistrationConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(PasswordHashingConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ListenConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(DatabaseConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(WellKnownConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(LimitsConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(LoggingConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(RefreshTokensConfig))]
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Every section type is kept by the DynamicDependency attributes above.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Every section type is kept by the DynamicDependency attributes above.")]
    private static IEnumerable<string> Collect(Type type, string? prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;
            var full = prefix is null ? name : prefix + "." + name;
            // A list is one key (its items arrive as key.0, key.1 …); any other class is a section of keys.
            var isList = property.PropertyType != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(property.PropertyType);
            if (property.PropertyType.IsClass && property.PropertyType != typeof(string) && !isList)
            {
                foreach (var nested in Collect(property.PropertyType, full))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return full;
            }
        }
    }
}
