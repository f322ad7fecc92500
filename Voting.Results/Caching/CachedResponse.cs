namespace Voting.Results.Caching;

/// <summary>A serialized answer and its validator, as kept in both cache levels.</summary>
/// <param name="Json">UTF-8 JSON body.</param>
/// <param name="ETag">Strong validator (quoted), derived from the body.</param>
public sealed record CachedResponse(byte[] Json, string ETag);
