namespace Voting.Console.Blazor.Access;

/// <summary>Who may see what: each page and control names the roles it is for.</summary>
public static class ConsoleRoles
{
    /// <summary>Election officials: results.</summary>
    public const string Official = "official";

    /// <summary>Operators: the pipeline, dead letters, shards.</summary>
    public const string Operator = "operator";

    /// <summary>Auditors: anchors and audits.</summary>
    public const string Auditor = "auditor";

    public static IReadOnlyList<string> All { get; } = [Official, Operator, Auditor];
}
