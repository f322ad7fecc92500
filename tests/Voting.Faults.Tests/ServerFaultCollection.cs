namespace Voting.Faults.Tests;

/// <summary>
/// Tests that stop, restart or empty shared servers: one at a time, never beside each other (xunit
/// runs the classes of one collection in sequence).
/// </summary>
[CollectionDefinition(Name)]
public sealed class ServerFaultCollection
{
    public const string Name = "shared servers stopped or emptied";
}
