from devops_scan.cli import main

if __name__ == "__main__":
    main()
