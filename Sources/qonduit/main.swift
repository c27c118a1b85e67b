import QonduitCLI

await QonduitMain.run()
