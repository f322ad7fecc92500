namespace Voting.Results.Tests;

/// <summary>
/// The results service with caches of 5 s (local) and 6 s (Redis): long enough for a thousand
/// requests to finish within an entry's life on a loaded machine, short enough to wait out.
/// </summary>
public sealed class StormResultsFactory() : ResultsFactory(localCacheMilliseconds: 5_000, sharedCacheMilliseconds: 6_000);
