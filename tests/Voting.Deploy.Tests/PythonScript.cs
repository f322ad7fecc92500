namespace Voting.Deploy.Tests;

/// <summary>Runs a python3 script to completion. No python3 on the PATH throws: the test fails, it never skips.</summary>
internal static class PythonScript
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(string script, params string[] arguments) =>
        ScriptProcess.RunAsync("python3", [script, .. arguments]);
}
