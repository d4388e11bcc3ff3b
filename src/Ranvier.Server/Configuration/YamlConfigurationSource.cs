using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ranvier.Server.Configuration;

/// <summary>
/// Feeds a YAML document into Microsoft.Extensions.Configuration as flat keys ("database:engine",
/// "listen:port"), so YAML and the RANVIER_ environment variables layer and bind through one mechanism.
/// </summary>
internal sealed class YamlConfigurationSource(string yaml, string origin) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(yaml, origin);

    private sealed class Provider(string yaml, string origin) : ConfigurationProvider
    {
        public override void Load()
        {
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(yaml));
            }
            catch (YamlException e)
            {
                throw new ConfigException($"{origin}: not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}", e);
            }

            if (stream.Documents.Count > 0)
            {
                switch (stream.Documents[0].RootNode)
                {
                    case YamlMappingNode root:
                        Flatten(root, prefix: null, data);
                        break;
                    case YamlScalarNode { Value: null or "" or "~" }:
                        break;
                    default:
                        throw new ConfigException($"{origin}: the top level must be a mapping of keys to values.");
                }
            }

            Data = data;
        }

        private static void Flatten(YamlNode node, string? prefix, Dictionary<string, string?> data)
        {
            switch (node)
            {
                case YamlMappingNode map:
                    foreach (var (key, value) in map.Children)
                    {
                        var name = ((YamlScalarNode)key).Value ?? "";
                        Flatten(value, prefix is null ? name : prefix + ConfigurationPath.KeyDelimiter + name, data);
                    }

                    break;
                case YamlSequenceNode list:
                    for (var i = 0; i < list.Children.Count; i++)
                    {
                        Flatten(list.Children[i], prefix + ConfigurationPath.KeyDelimiter + i, data);
                    }

                    break;
                case YamlScalarNode scalar:
                    // "~", "null" and an empty plain value mean "not set": leave the default in place.
                    var isNull = scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null";
                    if (!isNull && prefix is not null)
                    {
                        data[prefix] = scalar.Value;
                    }

                    break;
            }
        }
    }
}
