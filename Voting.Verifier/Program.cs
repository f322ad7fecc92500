using Voting.Verifier;

return await VerifierCli.RunAsync(args, Console.Out, Console.Error);
