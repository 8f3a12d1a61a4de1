import Glibc

let arguments = Array(CommandLine.arguments.dropFirst())
let code: Int32
switch arguments.first {
case "agent":
    code = AgentCommand.run(Array(arguments.dropFirst()))
case let command? where ControllerCommand.commands.contains(command):
    code = ControllerCommand.run(command, Array(arguments.dropFirst()))
case "version", "--version":
    print("coffer \(CofferVersionText.value)")
    code = 0
case nil, "help", "--help", "-h":
    print(Usage.text)
    code = arguments.isEmpty ? 1 : 0
default:
    Console.error("coffer: unknown command \"\(arguments[0])\"\n\n\(Usage.text)")
    code = 1
}
exit(code)
