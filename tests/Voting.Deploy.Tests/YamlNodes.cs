using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Voting.Deploy.Tests;

/// <summary>Null-tolerant navigation of parsed YAML: a missing key or a wrong node type gives null or nothing.</summary>
internal static partial class YamlNodes
{
    public static YamlNode? Get(this YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static YamlNode? At(this YamlNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            node = node.Get(key);
        }

        return node;
    }

    public static string? Text(this YamlNode? node) => (node as YamlScalarNode)?.Value;

    public static IEnumerable<YamlNode> Items(this YamlNode? node) =>
        node is YamlSequenceNode sequence ? sequence.Children : [];

    public static IEnumerable<(string Key, YamlNode Value)> Pairs(this YamlNode? node) =>
        node is YamlMappingNode map
            ? map.Children.Where(p => p.Key is YamlScalarNode { Value: not null }).Select(p => (((YamlScalarNode)p.Key).Value!, p.Value))
            : [];

    public static Dictionary<string, string> StringMap(this YamlNode? node) =>
        node.Pairs().ToDictionary(p => p.Key, p => p.Value.Text() ?? "", StringComparer.Ordinal);

    /// <summary>
    /// True when the node is a scalar YAML reads as a string. An unquoted <c>8080</c>, <c>true</c>
    /// or <c>null</c> is a number, boolean or null, which Kubernetes refuses where it wants a string
    /// (ConfigMap data, env values).
    /// </summary>
    public static bool IsString(this YamlNode? node) =>
        node is YamlScalarNode scalar
        && (scalar.Style != ScalarStyle.Plain || !NonStringPlainScalar().IsMatch(scalar.Value ?? ""));

    public static int Line(this YamlNode? node) => node is null ? 0 : (int)node.Start.Line;

    // YAML 1.1/1.2 core-schema ints, floats, booleans and nulls (what kubectl's parser resolves).
    [GeneratedRegex(@"^(|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|[-+]?[0-9][0-9_]*|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex NonStringPlainScalar();
}
