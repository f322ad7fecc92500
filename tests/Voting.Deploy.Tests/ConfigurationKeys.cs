using System.Reflection;
using System.Text.RegularExpressions;
using Voting.Audit;
using Voting.Infrastructure.Elections;
using Voting.Infrastructure.Kafka;
using Voting.Ingest;
using Voting.Processor;
using Voting.Results;

namespace Voting.Deploy.Tests;

/// <summary>
/// Whether an environment variable (<c>Voting__Kafka__BootstrapServers</c>) names a configuration
/// key a service binds. Sections and their types come by reflection from every options class
/// with a <c>const string Section</c> in Voting.Infrastructure and the four referenced services; a
/// key is walked through the bound type the way the configuration binder does (properties case-
/// insensitively, list indices, dictionary keys) down to a scalar. Two facts are not reflectable
/// and are kept here: <c>Voting:Elections</c> is bound as a list, and <c>Voting:Services</c> belongs
/// to the console (not referenced: it is read from its source file, ServiceEndpointsOptions.cs).
/// </summary>
internal sealed partial class ConfigurationKeys
{
    private readonly Dictionary<string, Type> sections;
    private readonly string consoleSection;
    private readonly string[] consoleKeys;

    private ConfigurationKeys(Dictionary<string, Type> sections, string consoleSection, string[] consoleKeys)
    {
        this.sections = sections;
        this.consoleSection = consoleSection;
        this.consoleKeys = consoleKeys;
    }

    /// <summary>Every section found by reflection, with the type it binds to.</summary>
    public IReadOnlyDictionary<string, Type> Sections => sections;

    public static ConfigurationKeys Discover()
    {
        Assembly[] assemblies =
        [
            typeof(KafkaOptions).Assembly, typeof(IngestOptions).Assembly, typeof(ProcessorOptions).Assembly,
            typeof(ResultsOptions).Assembly, typeof(AuditOptions).Assembly,
        ];
        var found = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field
                && field.GetRawConstantValue() is string section
                && section.StartsWith("Voting:", StringComparison.Ordinal))
            {
                found.Add(section, type);
            }
        }

        // InfrastructureRegistration.AddVotingElections binds the section as List<ElectionOptions>.
        found[ElectionOptions.Section] = typeof(List<ElectionOptions>);
        var (consoleSection, consoleKeys) = ReadConsoleEndpoints();
        return new ConfigurationKeys(found, consoleSection, consoleKeys);
    }

    /// <summary>Null when <paramref name="environmentVariable"/> names a bindable value; otherwise why not.</summary>
    public string? Explain(string environmentVariable)
    {
        var segments = environmentVariable.Split("__");
        if (segments.Length < 3 || segments.Any(s => s.Length == 0))
        {
            return $"{environmentVariable}: not of the form Voting__Section__Key";
        }

        var section = segments[0] + ":" + segments[1];
        if (string.Equals(section, consoleSection, StringComparison.OrdinalIgnoreCase))
        {
            return segments.Length == 3 && consoleKeys.Contains(segments[2], StringComparer.OrdinalIgnoreCase)
                ? null
                : $"{environmentVariable}: not a property of the console's ServiceEndpointsOptions ({string.Join(", ", consoleKeys)})";
        }

        if (!sections.TryGetValue(section, out var type))
        {
            return $"{environmentVariable}: no options class binds section {section}";
        }

        return Walk(environmentVariable, type, segments.AsSpan(2));
    }

    private static string? Walk(string name, Type type, ReadOnlySpan<string> rest)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            return rest.Length == 0 ? null : $"{name}: {type.Name} is a value, it has no key {rest[0]}";
        }

        if (rest.Length == 0)
        {
            return $"{name}: names a {Describe(type)}, not a value";
        }

        if (ElementType(type) is { } element)
        {
            return int.TryParse(rest[0], out var index) && index >= 0
                ? Walk(name, element, rest[1..])
                : $"{name}: {rest[0]} is not a list index";
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            var arguments = type.GetGenericArguments();
            return arguments[0] == typeof(string) || (arguments[0] == typeof(int) && int.TryParse(rest[0], out _))
                ? Walk(name, arguments[1], rest[1..])
                : $"{name}: {rest[0]} is not a key of {Describe(type)}";
        }

        var property = type.GetProperty(rest[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null || (!property.CanWrite && ElementType(property.PropertyType) is null))
        {
            return $"{name}: {type.Name} has no settable property {rest[0]}";
        }

        return Walk(name, property.PropertyType, rest[1..]);
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTimeOffset)
        || type == typeof(DateTime) || type == typeof(TimeSpan) || type == typeof(Guid) || type == typeof(Uri);

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0]
        : null;

    private static string Describe(Type type) =>
        type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(Describe))}>" : type.Name;

    private static (string Section, string[] Keys) ReadConsoleEndpoints()
    {
        var path = Path.Combine(RepoPaths.Root, "Voting.Console.Blazor", "Status", "ServiceEndpointsOptions.cs");
        var source = File.ReadAllText(path);
        var section = SectionConstant().Match(source);
        var keys = StringProperty().Matches(source).Select(m => m.Groups[1].Value).ToArray();
        if (!section.Success || keys.Length == 0)
        {
            throw new InvalidOperationException($"{path}: no Section constant or string properties found; update {nameof(ConfigurationKeys)}.");
        }

        return (section.Groups[1].Value, keys);
    }

    [GeneratedRegex("""const string Section = "([^"]+)";""")]
    private static partial Regex SectionConstant();

    [GeneratedRegex(@"public string (\w+) \{ get; set; \}")]
    private static partial Regex StringProperty();
}
