using System.Reflection;
using Voting.Audit;
using Voting.Console.Blazor;
using Voting.Infrastructure.Elections;
using Voting.Infrastructure.Identity;
using Voting.Infrastructure.Kafka;
using Voting.Ingest;
using Voting.Processor;
using Voting.Results;
using Voting.ServiceDefaults;

namespace Voting.Deploy.Tests;

/// <summary>
/// Whether an environment variable (<c>Voting__Kafka__BootstrapServers</c>) names a configuration
/// key a service binds. Sections and their types come by reflection from every options class
/// with a <c>const string Section</c> in Voting.Infrastructure, Voting.ServiceDefaults and the five services; a key is
/// walked through the bound type the way the configuration binder does (properties case-
/// insensitively, list indices, dictionary keys) down to a scalar. Sections may nest
/// (<c>Voting:Console:Access</c> inside <c>Voting:Console</c>) and several classes may bind one
/// section (the console reads <c>Voting:Chain</c> with a class of its own): a key is valid when
/// the longest matching section's classes accept it. One fact is not reflectable and is kept
/// here: <c>Voting:Elections</c> is bound as a list.
/// </summary>
internal sealed class ConfigurationKeys
{
    private readonly Dictionary<string, List<Type>> sections;

    private ConfigurationKeys(Dictionary<string, List<Type>> sections) => this.sections = sections;

    /// <summary>Every section found by reflection, with the types that bind it.</summary>
    public IReadOnlyDictionary<string, List<Type>> Sections => sections;

    public static ConfigurationKeys Discover()
    {
        Assembly[] assemblies =
        [
            typeof(KafkaOptions).Assembly, typeof(IngestOptions).Assembly, typeof(ProcessorOptions).Assembly,
            typeof(ResultsOptions).Assembly, typeof(AuditOptions).Assembly, typeof(ConsoleOptions).Assembly,
            typeof(TrustedProxyOptions).Assembly,
        ];
        var found = new Dictionary<string, List<Type>>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field
                && field.GetRawConstantValue() is string section
                && section.StartsWith("Voting:", StringComparison.Ordinal))
            {
                (found.TryGetValue(section, out var types) ? types : found[section] = []).Add(type);
            }
        }

        // InfrastructureRegistration.AddVotingElections binds the section as List<ElectionOptions>.
        found[ElectionOptions.Section] = [typeof(List<ElectionOptions>)];
        // Results binds the lookup tokens' section to the voter tokens' options (VoterAuthentication).
        found[VoterTokenOptions.LookupSection] = [typeof(VoterTokenOptions)];
        return new ConfigurationKeys(found);
    }

    /// <summary>Null when <paramref name="environmentVariable"/> names a bindable value; otherwise why not.</summary>
    public string? Explain(string environmentVariable)
    {
        var segments = environmentVariable.Split("__");
        if (segments.Length < 3 || segments.Any(s => s.Length == 0))
        {
            return $"{environmentVariable}: not of the form Voting__Section__Key";
        }

        for (var length = segments.Length - 1; length >= 2; length--)
        {
            var section = string.Join(':', segments[..length]);
            if (!sections.TryGetValue(section, out var types))
            {
                continue;
            }

            var errors = types.Select(type => Walk(environmentVariable, type, segments.AsSpan(length))).ToList();
            return errors.Any(e => e is null) ? null : errors[0];
        }

        return $"{environmentVariable}: no options class binds section {segments[0]}:{segments[1]}";
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
}
