namespace Voting.Ingest.Tests;

/// <summary>
/// This project's tests that stop a shared server (Kafka, MariaDB): one at a time, never beside each
/// other (xunit runs the classes of one collection in sequence; the fault run keeps projects apart).
/// </summary>
[CollectionDefinition(Name)]
public sealed class ServerFaultCollection
{
    public const string Name = "ingest: shared servers stopped";
}
