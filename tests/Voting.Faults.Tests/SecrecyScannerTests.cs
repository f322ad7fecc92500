namespace Voting.Faults.Tests;

/// <summary>The scanner itself, on planted records: it must find every kind of link it is meant to find.</summary>
public sealed class SecrecyScannerTests
{
    private static SecrecyScanner Scanner() => new(["voter-000123"], ["AB12CD34EF56AB12CD34EF56AB12CD34"], ["harper", "e3b0c44298fc1c149afbf4c8996fb924"]);

    [Fact]
    public void A_raw_voter_id_anywhere_is_a_finding()
    {
        var scanner = Scanner();
        scanner.Scan("log line 7", ["cast accepted for voter-000123"]);
        Assert.Contains("raw voter id", Assert.Single(scanner.Findings), StringComparison.Ordinal);
    }

    [Fact]
    public void A_pseudonym_beside_a_candidate_or_a_ballot_hash_is_a_finding_in_any_case()
    {
        var scanner = Scanner();
        scanner.Scan("row 1", ["ab12cd34ef56ab12cd34ef56ab12cd34", "HARPER"]);
        scanner.Scan("row 2", ["AB12CD34EF56AB12CD34EF56AB12CD34", "E3B0C44298FC1C149AFBF4C8996FB924"]);
        Assert.Equal(2, scanner.Findings.Count);
    }

    [Fact]
    public void A_voter_id_inside_a_bearer_token_or_a_base64_pseudonym_beside_a_candidate_is_a_finding()
    {
        var scanner = Scanner();
        var payload = Convert.ToBase64String("""{"sub":"voter-000123","state":"PA"}"""u8).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        scanner.Scan("log line 9", [$"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.{payload}.c2lnbmF0dXJl"]);
        scanner.Scan("redis key 3", [Convert.ToBase64String(Convert.FromHexString("AB12CD34EF56AB12CD34EF56AB12CD34")) + ":harper"]);
        Assert.Equal(2, scanner.Findings.Count);
        Assert.Contains("raw voter id", scanner.Findings[0], StringComparison.Ordinal);
        Assert.Contains("beside choice 'harper'", scanner.Findings[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_pseudonym_alone_or_a_choice_alone_is_not_a_finding()
    {
        var scanner = Scanner();
        scanner.Scan("participation row", ["ab12cd34ef56ab12cd34ef56ab12cd34", "PA", "2028-11-07 14:00:00"]);
        scanner.Scan("ballot row", ["harper", "PA", "e3b0c44298fc1c149afbf4c8996fb924"]);
        Assert.Empty(scanner.Findings);
        Assert.Equal(2, scanner.RecordsScanned);
    }
}
