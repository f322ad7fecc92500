namespace Voting.Console.Blazor.Tests.EndToEnd;

/// <summary>One <see cref="ConsoleStack"/> (processor, audit service, console) for every class that drives it, one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleStackCollection : ICollectionFixture<ConsoleStack>
{
    public const string Name = "console stack";
}
