namespace Voting.Results.Tests;

/// <summary>
/// The results service with caches that outlive a test (a minute at both levels): for tests that
/// compare two answers and must not see an entry expire between them on a loaded machine.
/// </summary>
public sealed class SteadyResultsFactory() : ResultsFactory(localCacheMilliseconds: 60_000, sharedCacheMilliseconds: 60_000);
